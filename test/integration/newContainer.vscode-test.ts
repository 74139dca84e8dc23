import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ProjectTemplate } from '../../core/src';
import type { NewContainerOutcome, NewContainerQuestions } from '../../client/src/commands/newTrainingContainer';
import { EXTENSION_ID } from './helpers';

const COMMAND = 'sagemakerContainerTools.newTrainingContainer';

/** Every file under `folder` with its text: what a second run must leave as it was. */
function snapshot(folder: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of fs.readdirSync(folder, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const file = path.join(entry.parentPath ?? entry.path, entry.name);
      files[path.relative(folder, file)] = fs.readFileSync(file, 'utf8');
    }
  }
  return files;
}

function openTabs(): string[] {
  return vscode.window.tabGroups.all.flatMap((group) => group.tabs.flatMap((tab) => (tab.input instanceof vscode.TabInputText ? [tab.input.uri.fsPath] : [])));
}

/** The command as the extension's bundle runs it (its engine, the templates it ships), with the test's answers. */
async function create(answers: Partial<NewContainerQuestions>): Promise<NewContainerOutcome> {
  const api = await vscode.extensions
    .getExtension<{ newTrainingContainer(answers: Partial<NewContainerQuestions>): Promise<NewContainerOutcome> }>(EXTENSION_ID)
    ?.activate();
  assert.ok(api, `${EXTENSION_ID} is installed`);
  return api.newTrainingContainer(answers);
}

suite('New Training Container', () => {
  let parent: string;
  /** The questions asked, in order, with what they were given. */
  let asked: string[];

  /** The answers a person would pick: scikit-learn, with serving, `name` in the temporary folder. */
  function answering(name: string): Partial<NewContainerQuestions> {
    return {
      template: async (templates: readonly ProjectTemplate[]) => {
        asked.push(`template: ${templates.map((template) => template.id).join(', ')}`);
        return templates.find((template) => template.id === 'scikit-learn');
      },
      serving: async () => {
        asked.push('serving');
        return true;
      },
      parent: async (suggested) => {
        asked.push(`parent: ${suggested?.fsPath}`);
        return vscode.Uri.file(parent);
      },
      name: async (folder) => {
        asked.push(`name in ${folder}`);
        return name;
      },
    };
  }

  setup(() => {
    parent = fs.mkdtempSync(path.join(os.tmpdir(), 'smct-new-container-'));
    asked = [];
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(parent, { recursive: true, force: true });
  });

  test('the command is in the palette under SageMaker, in the Training Jobs view, and works in Restricted Mode (it runs nothing)', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    await extension.activate();
    assert.ok((await vscode.commands.getCommands(true)).includes(COMMAND), `${COMMAND} is registered`);
    const contributes = extension.packageJSON.contributes;
    const command = (contributes.commands as { command: string; title: string; category?: string; enablement?: string }[]).find(
      (entry) => entry.command === COMMAND,
    );
    assert.equal(command?.title, 'New Training Container…');
    assert.equal(command?.category, 'SageMaker');
    assert.equal(command?.enablement, undefined, 'not gated on a trusted workspace');
    assert.ok(!(contributes.menus.commandPalette as { command: string }[]).some((entry) => entry.command === COMMAND), 'not hidden from the palette');
    assert.ok(
      (contributes.menus['view/title'] as { command: string; when: string }[]).some(
        (entry) => entry.command === COMMAND && entry.when === 'view == sagemakerContainerTools.trainingJobs',
      ),
    );
  });

  test('asks for the template, serving, the parent folder (the workspace folder first) and a name; writes the project and opens its README and Dockerfile', async () => {
    const outcome = await create(answering('my-job'));
    assert.ok(outcome && 'created' in outcome, JSON.stringify(outcome));
    const folder = path.join(parent, 'my-job');
    assert.deepEqual(asked, [
      'template: scikit-learn, xgboost, pytorch, tensorflow, python',
      'serving',
      `parent: ${vscode.workspace.workspaceFolders?.[0]?.uri.fsPath}`,
      `name in ${parent}`,
    ]);
    assert.equal(outcome.created.folder, folder);
    assert.equal(outcome.created.name, 'my-job');
    for (const file of ['Dockerfile', 'README.md', 'sagemaker-job.json', 'program/train', 'program/serve']) {
      assert.ok(outcome.created.files.includes(file), `${file} is named as written`);
      assert.ok(fs.existsSync(path.join(folder, file)), `${file} is written`);
    }
    const job = JSON.parse(fs.readFileSync(path.join(folder, 'sagemaker-job.json'), 'utf8')) as { baseJobName: string; serving?: unknown };
    assert.equal(job.baseJobName, 'my-job');
    assert.ok(job.serving, 'the job file has its serving section');
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, path.join(folder, 'README.md'), 'the README is in front');
    assert.ok(openTabs().includes(path.join(folder, 'Dockerfile')), 'the Dockerfile is open');
  });

  test('a second run into the same folder refuses to overwrite, says so, and writes nothing', async () => {
    const first = await create(answering('again'));
    assert.ok(first && 'created' in first);
    const folder = path.join(parent, 'again');
    // A person's edit, which a second run must not undo.
    fs.appendFileSync(path.join(folder, 'README.md'), '\nMy notes.\n');
    const before = snapshot(folder);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const second = await create(answering('again'));
    assert.ok(second && 'refused' in second, JSON.stringify(second));
    assert.match(second.refused, /Dockerfile/, 'the refusal names what exists');
    assert.deepEqual(snapshot(folder), before);
    assert.equal(vscode.window.activeTextEditor, undefined, 'nothing is opened');
  });

  test('cancelling any question writes nothing', async () => {
    for (const cancelled of ['template', 'serving', 'parent', 'name'] as const) {
      const ask = { ...answering('cancelled'), [cancelled]: async () => undefined };
      assert.equal(await create(ask), undefined, cancelled);
    }
    assert.deepEqual(fs.readdirSync(parent), []);
  });
});

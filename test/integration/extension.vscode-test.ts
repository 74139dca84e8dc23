import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, openDockerfile, revert, ruleOf, ourDiagnostics, waitFor, waitForRules, workspaceFile } from './helpers';

const BROKEN = 'broken-training/Dockerfile';
const WORKING = 'training/Dockerfile';

suite('SageMaker Container Tools in VS Code', () => {
  suiteTeardown(async () => {
    const settings = vscode.workspace.getConfiguration('sagemakerContainerTools');
    await settings.update('rules', undefined, vscode.ConfigurationTarget.Workspace);
    await settings.update('kind', undefined, vscode.ConfigurationTarget.Workspace);
  });

  test('opening a Dockerfile activates the extension, and every contributed command is registered', async () => {
    await openDockerfile(BROKEN);
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is installed`);
    await waitFor(
      'activation',
      () => extension.isActive,
      (active) => active,
    );
    const registered = await vscode.commands.getCommands(true);
    const contributed = (extension.packageJSON.contributes.commands as { command: string }[]).map((entry) => entry.command);
    assert.ok(contributed.length > 0);
    assert.deepEqual(
      contributed.filter((command) => !registered.includes(command)),
      [],
    );
  });

  test('the broken example shows SM101 on the CMD with its link, source and range, and SM201 on the hidden copy', async () => {
    const document = await openDockerfile(BROKEN);
    await waitForRules(document.uri, (found) => found.includes('SM101'), 'SM101');
    const sm101 = ourDiagnostics(document.uri).find((diagnostic) => ruleOf(diagnostic) === 'SM101');
    assert.ok(sm101);
    assert.equal(sm101.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(document.getText(sm101.range), '["python3", "train.py"]');
    assert.match(sm101.message, /SageMaker runs "docker run <image> train", which replaces this CMD/);
    const target = (sm101.code as { target: vscode.Uri }).target;
    assert.match(target.toString(), /docs\/rules\/SM101\.md$/);
    assert.deepEqual(ourDiagnostics(document.uri).map(ruleOf).sort(), ['SM101', 'SM201']);
  });

  test('the quick fix turns the CMD into an ENTRYPOINT, and SM101 goes away', async () => {
    const document = await openDockerfile(BROKEN);
    await waitForRules(document.uri, (found) => found.includes('SM101'), 'SM101');
    const sm101 = ourDiagnostics(document.uri).find((diagnostic) => ruleOf(diagnostic) === 'SM101');
    assert.ok(sm101);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      document.uri,
      sm101.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const titles = actions.map((action) => action.title);
    assert.ok(titles.includes('Ignore SM101 for this instruction'), titles.join(', '));
    const convert = actions.find((action) => action.title === 'Convert CMD to ENTRYPOINT (exec form)');
    assert.ok(convert?.edit, titles.join(', '));
    // Applying any of them runs the command the walkthrough's diagnostic step completes on (the client adds it; the server knows nothing of it).
    for (const action of actions) assert.equal(action.command?.command, 'sagemakerContainerTools.quickFixApplied', action.title);
    try {
      assert.ok(await vscode.workspace.applyEdit(convert.edit));
      assert.match(document.getText(), /\nENTRYPOINT \["python3", "train.py"\]\n/);
      await waitForRules(document.uri, (found) => !found.includes('SM101') && found.includes('SM201'), 'SM101 gone, SM201 kept');
    } finally {
      await revert(document);
    }
  });

  test('a job file shows what SageMaker would refuse as a diagnostic at the key, in smct’s words', async () => {
    const file = workspaceFile('limits/sagemaker-job.json');
    await vscode.workspace.fs.writeFile(file, Buffer.from('{\n  "image": "trainer",\n  "tags": { "team": "a;b" }\n}\n'));
    await vscode.window.showTextDocument(file);
    const [diagnostic] = await waitFor(
      'the job file diagnostic',
      () => vscode.languages.getDiagnostics(file).filter((candidate) => candidate.source === 'smct'),
      (found) => found.length > 0,
    );
    assert.match(diagnostic.message, /^`tags\.team`: Tags\[0\]\.Value "a;b" does not match the pattern/);
    assert.equal(diagnostic.range.start.line, 2);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    // A second job file in the workspace would make commands without a target ask which one.
    await vscode.workspace.fs.delete(workspaceFile('limits'), { recursive: true });
  });

  test('hover on CMD and ENTRYPOINT shows the process SageMaker will start', async () => {
    const broken = await openDockerfile(BROKEN);
    const cmdLine = broken
      .getText()
      .split('\n')
      .findIndex((line) => line.startsWith('CMD'));
    const onCmd = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', broken.uri, new vscode.Position(cmdLine, 1));
    const cmdText = onCmd.flatMap((hover) => hover.contents.map((content) => (typeof content === 'string' ? content : content.value))).join('\n');
    assert.match(cmdText, /executable file not found in \$PATH/);
    assert.match(cmdText, /replaces this CMD/);

    const working = await openDockerfile(WORKING);
    const entrypointLine = working
      .getText()
      .split('\n')
      .findIndex((line) => line.startsWith('ENTRYPOINT'));
    const onEntrypoint = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      working.uri,
      new vscode.Position(entrypointLine, 2),
    );
    const entrypointText = onEntrypoint.flatMap((hover) => hover.contents.map((content) => (typeof content === 'string' ? content : content.value))).join('\n');
    assert.match(entrypointText, /python3 \/opt\/program\/train\.py train/);
  });

  test('settings take effect: a rule set to off disappears, and the container kind switches the rules', async () => {
    const document = await openDockerfile(BROKEN);
    await waitForRules(document.uri, (found) => found.includes('SM101'), 'SM101');
    const settings = vscode.workspace.getConfiguration('sagemakerContainerTools');
    await settings.update('rules', { SM101: 'off' }, vscode.ConfigurationTarget.Workspace);
    await waitForRules(document.uri, (found) => found.join() === 'SM201', 'SM101 off');
    await settings.update('kind', 'inference', vscode.ConfigurationTarget.Workspace);
    await waitForRules(document.uri, (found) => found.includes('SM502'), 'SM502 for an inference container');
    await settings.update('rules', undefined, vscode.ConfigurationTarget.Workspace);
    await settings.update('kind', undefined, vscode.ConfigurationTarget.Workspace);
    await waitForRules(document.uri, (found) => found.join() === 'SM101,SM201', 'defaults back');
  });

  test('an edit is analysed as the user types: a non-root USER is reported, and removing it clears it', async () => {
    const document = await openDockerfile(WORKING);
    const editor = await vscode.window.showTextDocument(document);
    try {
      await editor.edit((edit) => edit.insert(new vscode.Position(document.lineCount - 1, 0), 'USER app\n'));
      await waitForRules(document.uri, (found) => found.includes('SM402'), 'SM402 after typing USER app');
    } finally {
      await revert(document);
    }
    await waitForRules(document.uri, (found) => found.length === 0, 'nothing on the working example');
  });

  test('workspace trust: the analysis is declared safe for untrusted workspaces, and commands that run programs need trust', () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    const trust = extension.packageJSON.capabilities.untrustedWorkspaces;
    assert.equal(trust.supported, 'limited');
    assert.ok(trust.restrictedConfigurations.includes('sagemakerContainerTools.contextFolder'));
    // Commands that start programs (docker, AWS) are enabled only in trusted workspaces.
    const commands = extension.packageJSON.contributes.commands as { command: string; enablement?: string; runsPrograms?: boolean }[];
    for (const command of commands.filter(
      // These run no program: the server's output, a restart, the request a job file makes, a new
      // project written from the extension's own templates, the walkthrough's quick fix mark.
      (entry) =>
        ![
          'sagemakerContainerTools.showServerOutput',
          'sagemakerContainerTools.restartServer',
          'sagemakerContainerTools.previewTrainingJobRequest',
          'sagemakerContainerTools.newTrainingContainer',
          'sagemakerContainerTools.quickFixApplied',
        ].includes(entry.command),
    )) {
      assert.match(command.enablement ?? '', /isWorkspaceTrusted/, `${command.command} requires a trusted workspace`);
    }
  });
});

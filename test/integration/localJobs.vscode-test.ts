import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LocalTrainingResult } from '../../core/src/local/localTraining';
import { BUSYBOX, BUSYBOX_DOCKERFILE, dockerMissing, jobContainers, leftovers, ownJobPrefix, SPOT_SCRIPT, TRAIN_SCRIPT } from '../local/dockerFixtures';
import { EXTENSION_ID, waitFor, workspaceFile } from './helpers';

const IMAGE = 'smct-integration-trainer:latest';

/** The part of the extension's API (what activate() returns) these tests use. */
interface Api {
  readonly local: { readonly jobs: { statusTexts(jobFile: string): readonly string[] | undefined } };
}

/**
 * A job in the workspace that builds FROM scratch with busybox, so no registry is needed.
 * `program` replaces the test program, `settings` are added to the job file.
 */
function writeJobProject(
  name: string,
  baseJobName: string,
  hyperparameters: Record<string, string>,
  { program = TRAIN_SCRIPT, settings = {} }: { program?: string; settings?: Record<string, unknown> } = {},
): vscode.Uri {
  const folder = workspaceFile(name).fsPath;
  fs.mkdirSync(path.join(folder, 'data'), { recursive: true });
  fs.writeFileSync(path.join(folder, 'Dockerfile'), BUSYBOX_DOCKERFILE);
  fs.copyFileSync(BUSYBOX, path.join(folder, 'busybox'));
  fs.chmodSync(path.join(folder, 'busybox'), 0o755);
  fs.writeFileSync(path.join(folder, 'train'), program, { mode: 0o755 });
  fs.writeFileSync(path.join(folder, 'data', 'rows.csv'), 'x,y\n1,2\n');
  const job = { image: IMAGE, baseJobName, hyperparameters, inputs: { training: 'data' }, stopping: { stopTimeoutSeconds: 5 }, ...settings };
  fs.writeFileSync(path.join(folder, 'sagemaker-job.json'), JSON.stringify(job, null, 2));
  return vscode.Uri.file(path.join(folder, 'sagemaker-job.json'));
}

suite('Local training from VS Code', () => {
  suiteSetup(function () {
    if (dockerMissing()) this.skip();
  });

  test('"Build Image" then "Run Training Job Locally" run the job to Completed and pack the model', async () => {
    const base = ownJobPrefix('busybox-job'); // this run's own job names: its checks see its own runs only
    const job = writeJobProject('busybox-job', base, {});
    assert.equal(await vscode.commands.executeCommand('sagemakerContainerTools.buildImage', job), true);
    const result = await vscode.commands.executeCommand<LocalTrainingResult>('sagemakerContainerTools.runLocalTraining', job);
    assert.equal(result.status, 'Completed', result.failureReason);
    assert.ok(result.artifacts && fs.existsSync(result.artifacts.model), 'model.tar.gz was written');
    const api = (await vscode.extensions.getExtension<Api>(EXTENSION_ID)?.activate()) as Api;
    assert.deepEqual(
      api.local.jobs.statusTexts(job.fsPath),
      ['Starting', 'Downloading', 'Training', 'Uploading', 'Completed'].map((phase) => `$(sync~spin) SageMaker: ${base} — ${phase}`),
      'the status bar named each phase',
    );
    assert.deepEqual(leftovers(base), { containers: '', networks: '', folders: [] });
  });

  test('"Build Image" builds what the editor shows: an open Dockerfile with unsaved changes is saved first, then linted and built from disk', async () => {
    const job = writeJobProject('busybox-unsaved', ownJobPrefix('busybox-unsaved'), {});
    const dockerfile = vscode.Uri.file(path.join(path.dirname(job.fsPath), 'Dockerfile'));
    const editor = await vscode.window.showTextDocument(dockerfile);
    await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), '# edited in the editor, not saved\n'));
    assert.equal(editor.document.isDirty, true);
    assert.equal(await vscode.commands.executeCommand('sagemakerContainerTools.buildImage', job), true);
    assert.equal(editor.document.isDirty, false, 'the Dockerfile was saved before the build');
    assert.match(fs.readFileSync(dockerfile.fsPath, 'utf8'), /^# edited in the editor, not saved\n/);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test('"Stop Local Training Job" stops a running job: SIGTERM reaches the program and the job is Stopped', async () => {
    const base = ownJobPrefix('busybox-stop');
    const job = writeJobProject('busybox-stop', base, { mode: 'term' });
    const running = vscode.commands.executeCommand<LocalTrainingResult>('sagemakerContainerTools.runLocalTraining', job);
    await waitFor(
      'the job container to run',
      () => jobContainers(base, { running: true }),
      (ids) => ids.length > 0,
    );
    await vscode.commands.executeCommand('sagemakerContainerTools.stopLocalTraining');
    const result = await running;
    assert.equal(result.status, 'Stopped');
    assert.deepEqual(result.exitCodes, { 'algo-1': 0 }, 'the program handled SIGTERM and exited 0');
    assert.deepEqual(leftovers(base), { containers: '', networks: '', folders: [] });
  });

  test('"Run Training Job Locally with a Spot Interruption" shows each phase in the status bar and resumes the job from its checkpoints', async () => {
    const base = ownJobPrefix('busybox-spot');
    const image = `smct-integration-spot-${process.pid}:latest`;
    const job = writeJobProject(
      'busybox-spot',
      base,
      { save: 'yes' },
      {
        program: SPOT_SCRIPT,
        settings: { image, spot: true, checkpoints: { s3Uri: `s3://bucket/${base}/` }, stopping: { stopTimeoutSeconds: 10 } },
      },
    );
    try {
      assert.equal(await vscode.commands.executeCommand('sagemakerContainerTools.buildImage', job), true);
      const result = await vscode.commands.executeCommand<LocalTrainingResult>('sagemakerContainerTools.runLocalTrainingWithInterruption', job, '1s');
      assert.equal(result.status, 'Completed', result.failureReason);
      assert.deepEqual(result.interruption, { afterSeconds: 1, checkpointsSaved: { files: 1, bytes: 2 }, resumed: true });
      assert.equal(fs.readFileSync(path.join(result.checkpoints?.store ?? '', 'epoch'), 'utf8'), '4\n', 'the resumed run saved its checkpoint');
      const api = (await vscode.extensions.getExtension<Api>(EXTENSION_ID)?.activate()) as Api;
      assert.deepEqual(
        api.local.jobs.statusTexts(job.fsPath),
        ['Starting', 'Downloading', 'Training', 'Interrupted', 'Restarting', 'Training', 'Uploading', 'Completed'].map(
          (phase) => `$(sync~spin) SageMaker: ${base} — ${phase}`,
        ),
      );
      assert.deepEqual(leftovers(base), { containers: '', networks: '', folders: [] });
    } finally {
      spawnSync('docker', ['image', 'rm', '--force', image]);
    }
  });

  test('"Run Training Job Locally with a Spot Interruption" refuses a job that is not a spot job, and a time that is no duration', async () => {
    const onDemand = writeJobProject('busybox-on-demand', ownJobPrefix('busybox-on-demand'), {});
    assert.equal(await vscode.commands.executeCommand('sagemakerContainerTools.runLocalTrainingWithInterruption', onDemand, '1s'), undefined);
    const spot = writeJobProject('busybox-spot-soon', ownJobPrefix('busybox-spot-soon'), {}, { settings: { spot: true, stopping: { maxRuntimeSeconds: 60 } } });
    for (const time of ['soon', '2m']) {
      assert.equal(await vscode.commands.executeCommand('sagemakerContainerTools.runLocalTrainingWithInterruption', spot, time), undefined, time);
    }
    const api = (await vscode.extensions.getExtension<Api>(EXTENSION_ID)?.activate()) as Api;
    assert.equal(api.local.jobs.statusTexts(onDemand.fsPath), undefined, 'nothing ran');
    assert.equal(api.local.jobs.statusTexts(spot.fsPath), undefined, 'nothing ran');
  });

  test('the CodeLens offers "Run with a Spot Interruption" above a spot job file, not above an on-demand one', async () => {
    const spot = writeJobProject('busybox-spot-lens', ownJobPrefix('busybox-spot-lens'), {}, { settings: { spot: true } });
    const onDemand = writeJobProject('busybox-on-demand-lens', ownJobPrefix('busybox-on-demand-lens'), {});
    const commands = async (uri: vscode.Uri): Promise<(string | undefined)[]> => {
      await vscode.workspace.openTextDocument(uri); // the lens providers answer for documents the editor has loaded
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
      return lenses.map((lens) => lens.command?.command);
    };
    assert.ok((await commands(spot)).includes('sagemakerContainerTools.runLocalTrainingWithInterruption'));
    const plain = await commands(onDemand);
    assert.ok(plain.includes('sagemakerContainerTools.runLocalTraining'), 'the lenses are there');
    assert.ok(!plain.includes('sagemakerContainerTools.runLocalTrainingWithInterruption'));
  });

  test('the training example builds and trains from VS Code (on the local Debian Python image)', async function () {
    if (spawnSync('docker', ['image', 'inspect', 'smct-debian-python:bookworm']).status !== 0) this.skip();
    const file = workspaceFile('training/sagemaker-job.json');
    const job = JSON.parse(fs.readFileSync(file.fsPath, 'utf8'));
    fs.writeFileSync(file.fsPath, JSON.stringify({ ...job, build: { ...job.build, buildArgs: { BASE_IMAGE: 'smct-debian-python:bookworm' } } }, null, 2));
    assert.equal(await vscode.commands.executeCommand('sagemakerContainerTools.buildImage', file), true);
    const result = await vscode.commands.executeCommand<LocalTrainingResult>('sagemakerContainerTools.runLocalTraining', file);
    assert.equal(result.status, 'Completed', result.failureReason);
    assert.ok(result.artifacts && fs.existsSync(result.artifacts.model));
  });

  test('"Build Image" checks the image it built: an image that would fail still counts as built, and no check container is left', async () => {
    const job = writeJobProject('busybox-checked', ownJobPrefix('busybox-checked'), {});
    const folder = path.dirname(job.fsPath);
    // Fine for the linter (RUN makes "train"), but what RUN writes has no #! line: the check reports exec format error.
    fs.appendFileSync(path.join(folder, 'Dockerfile'), "RUN printf 'echo trained\\n' > /usr/local/bin/train && chmod 755 /usr/local/bin/train\n");
    const image = `smct-integration-checked-${process.pid}:latest`;
    const settings = JSON.parse(fs.readFileSync(job.fsPath, 'utf8'));
    fs.writeFileSync(job.fsPath, JSON.stringify({ ...settings, image }, null, 2));
    try {
      assert.equal(await vscode.commands.executeCommand('sagemakerContainerTools.buildImage', job), true);
      const left = spawnSync('docker', ['ps', '--all', '--quiet', '--filter', `label=smct.check=${image}`], { encoding: 'utf8' });
      assert.equal(left.stdout.trim(), '');
    } finally {
      spawnSync('docker', ['image', 'rm', '--force', image]);
    }
  });

  test('the commands that run programs are enabled only in trusted workspaces', () => {
    const extension = vscode.extensions.all.find((candidate) => candidate.id.endsWith('.sagemaker-container-tools'));
    const commands = extension?.packageJSON.contributes.commands as { command: string; enablement?: string }[];
    for (const id of [
      'sagemakerContainerTools.buildImage',
      'sagemakerContainerTools.runLocalTraining',
      'sagemakerContainerTools.runLocalTrainingWithInterruption',
      'sagemakerContainerTools.stopLocalTraining',
    ]) {
      assert.equal(commands.find((command) => command.command === id)?.enablement, 'isWorkspaceTrusted', id);
    }
  });
});

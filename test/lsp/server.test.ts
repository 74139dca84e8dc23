import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, CompletionItem, Hover, TextEdit } from 'vscode-languageserver-protocol';
import { RULES } from '../../core/src/rules';
import type { Rule } from '../../core/src/rules/rule';
import { codes, TestClient } from '../helpers/lspClient';
import { tempProject } from '../helpers/tempDir';

const BROKEN = 'FROM python:3.11\nENV PYTHONUNBUFFERED=1\nCOPY train.py /opt/program/\nCMD ["python", "/opt/program/train.py"]\n';

describe('language server over a real LSP connection', () => {
  let client: TestClient;
  let root: string;
  const uri = (name: string): string => `file://${path.join(root, name)}`;

  before(async () => {
    root = tempProject({ 'train.py': 'print(1)\n', 'bin/train': { content: '#!/bin/sh\r\nexit 0\r\n', mode: 0o755 } });
    client = TestClient.inProcess();
    const result = await client.initialize(root);
    assert.equal(result.serverInfo?.name, 'smct');
    assert.ok(result.capabilities.hoverProvider);
    assert.deepEqual(result.capabilities.completionProvider?.triggerCharacters?.includes('/'), true);
  });
  after(() => client.shutdown());

  /** Opens the broken Dockerfile and asks for the code actions of its first diagnostic, as an editor does. */
  async function openAndAskForFixes(target: string): Promise<CodeAction[]> {
    await client.open(target, BROKEN);
    const diagnostics = await client.diagnostics(target);
    return client.connection.sendRequest<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: target },
      range: diagnostics[0].range,
      context: { diagnostics },
    });
  }

  test('opening a Dockerfile publishes SageMaker diagnostics with code, link, source and range', async () => {
    await client.open(uri('Dockerfile'), BROKEN);
    const [diagnostic] = await client.diagnostics(uri('Dockerfile'));
    assert.equal(diagnostic.code, 'SM101');
    assert.equal(diagnostic.severity, 1);
    assert.equal(diagnostic.source, 'SageMaker Container Tools');
    assert.match(diagnostic.codeDescription?.href ?? '', /^file:\/\/.*\/docs\/rules\/SM101\.md$/);
    assert.ok(fs.existsSync(new URL(diagnostic.codeDescription?.href ?? '').pathname), 'the rule page exists');
    assert.deepEqual(diagnostic.range, { start: { line: 3, character: 4 }, end: { line: 3, character: 39 } });
    assert.ok(client.registrations.includes('workspace/didChangeWatchedFiles'));
  });

  test('a file with no FROM, or an empty one, shows SM100 as its only diagnostic, an error', async () => {
    for (const [name, text] of [
      ['Dockerfile.fragment', 'RUN pip install pandas\nENTRYPOINT ["python", "train.py"]\n'],
      ['Dockerfile.empty', ''],
    ]) {
      await client.open(uri(name), text);
      const diagnostics = await client.diagnostics(uri(name));
      assert.deepEqual(codes(diagnostics), ['SM100'], name);
      assert.equal(diagnostics[0].severity, 1);
    }
  });

  test('the quick fix, applied and sent back as an edit, clears the diagnostic', async () => {
    const target = uri('fix/Dockerfile');
    const actions = await openAndAskForFixes(target);
    assert.deepEqual(
      actions.map((action) => action.title),
      ['Convert CMD to ENTRYPOINT (exec form)', 'Ignore SM101 for this instruction'],
    );
    const edits = actions[0].edit?.changes?.[target] as TextEdit[];
    const fixed = TextDocument.applyEdits(TextDocument.create(target, 'dockerfile', 1, BROKEN), edits);
    assert.equal(fixed, BROKEN.replace('CMD', 'ENTRYPOINT'));
    await client.change(target, fixed, 2);
    assert.deepEqual(await client.diagnostics(target, (_d, params) => params.version === 2), []);
  });

  test('"Ignore SMxxx for this instruction" inserts a pragma that silences it', async () => {
    const target = uri('ignore/Dockerfile');
    const actions = await openAndAskForFixes(target);
    const edits = actions[1].edit?.changes?.[target] as TextEdit[];
    const ignored = TextDocument.applyEdits(TextDocument.create(target, 'dockerfile', 1, BROKEN), edits);
    assert.match(ignored, /\n# smct ignore=SM101\nCMD/);
    await client.change(target, ignored, 2);
    assert.deepEqual(await client.diagnostics(target, (_d, params) => params.version === 2), []);
  });

  test('hover shows the process SageMaker will start, and explains /opt/ml paths and SAGEMAKER_ variables', async () => {
    const target = uri('hover/Dockerfile');
    const text = 'FROM python:3.11\nENV SAGEMAKER_PROGRAM=train.py\nENTRYPOINT ["python", "/opt/program/train.py"]\nCOPY m /opt/ml/model/\n';
    await client.open(target, text);
    await client.diagnostics(target);
    const onEntrypoint = await client.connection.sendRequest<Hover>('textDocument/hover', {
      textDocument: { uri: target },
      position: { line: 2, character: 3 },
    });
    assert.match(JSON.stringify(onEntrypoint.contents), /python \/opt\/program\/train.py train/);
    const onPath = await client.connection.sendRequest<Hover>('textDocument/hover', { textDocument: { uri: target }, position: { line: 3, character: 12 } });
    assert.match(JSON.stringify(onPath.contents), /model.tar.gz/);
    const onVariable = await client.connection.sendRequest<Hover>('textDocument/hover', { textDocument: { uri: target }, position: { line: 1, character: 8 } });
    assert.match(JSON.stringify(onVariable.contents), /toolkit runs from \/opt\/ml\/code/);
    const nothing = await client.connection.sendRequest<Hover | null>('textDocument/hover', {
      textDocument: { uri: target },
      position: { line: 1, character: 1 },
    });
    assert.equal(nothing, null);
  });

  test('hover on FROM shows what a catalogued base image brings, with its source, and what SageMaker then starts', async () => {
    const target = uri('hover-base/Dockerfile');
    await client.open(target, 'FROM nvidia/cuda:12.4.1-base-ubuntu22.04\nRUN true\n');
    await client.diagnostics(target);
    const onFrom = await client.connection.sendRequest<Hover>('textDocument/hover', { textDocument: { uri: target }, position: { line: 0, character: 2 } });
    const text = JSON.stringify(onFrom.contents);
    assert.match(text, /ENTRYPOINT `\/opt\/nvidia\/nvidia_entrypoint.sh`, CMD none, user root, linux\/amd64 and linux\/arm64/);
    assert.match(text, /Source: https:\/\/gitlab.com\/nvidia\/container-images\/cuda/);
    assert.match(text, /The base image's ENTRYPOINT executes `train` from PATH, and the image has none/);
  });

  test('completion offers /opt/ml paths, SAGEMAKER_ variables and capability labels', async () => {
    const target = uri('complete/Dockerfile');
    await client.open(target, 'FROM python:3.11\nCOPY x /opt/ml/\nENV SAGEMAKER_\nLABEL com.\n');
    const labels = async (line: number, character: number): Promise<string[]> =>
      (await client.connection.sendRequest<CompletionItem[]>('textDocument/completion', { textDocument: { uri: target }, position: { line, character } })).map(
        (item) => item.label,
      );
    assert.ok((await labels(1, 15)).includes('/opt/ml/input/config/hyperparameters.json'));
    assert.ok((await labels(2, 14)).includes('SAGEMAKER_PROGRAM'));
    assert.ok((await labels(3, 10)).includes('com.amazonaws.sagemaker.capabilities.accept-bind-to-port=true'));
  });

  test('a configuration change re-runs the analysis with the new severities and kind', async () => {
    const target = uri('config/Dockerfile');
    await client.open(target, BROKEN);
    assert.deepEqual(codes(await client.diagnostics(target)), ['SM101']);
    client.settings = { rules: { SM101: 'off' }, kind: 'inference' };
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    assert.deepEqual(codes(await client.diagnostics(target, (d) => !codes(d).includes('SM101'))), ['SM502']);
    client.settings = {};
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await client.diagnostics(target, (d) => codes(d).includes('SM101'));
  });

  test('a change to a build-context file that a rule read re-runs the analysis', async () => {
    const target = uri('Dockerfile.crlf');
    await client.open(target, 'FROM python:3.11\nCOPY bin/ /usr/local/bin/\n');
    assert.deepEqual(codes(await client.diagnostics(target)), ['SM403']);
    const script = path.join(root, 'bin', 'train');
    fs.writeFileSync(script, '#!/bin/sh\nexit 0\n');
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: `file://${script}`, type: 2 }] });
    assert.deepEqual(await client.diagnostics(target, (d) => d.length === 0), []);
  });

  test('the project config file .smct.json is read, and a change to it re-runs the analysis', async () => {
    const target = uri('project/Dockerfile');
    await client.open(target, BROKEN);
    await client.diagnostics(target, (d) => codes(d).includes('SM101'));
    const config = path.join(root, 'project', '.smct.json');
    fs.mkdirSync(path.dirname(config), { recursive: true });
    fs.writeFileSync(config, JSON.stringify({ rules: { SM101: 'warning' } }));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: `file://${config}`, type: 1 }] });
    const [diagnostic] = await client.diagnostics(target, (d) => d[0]?.severity === 2);
    assert.equal(diagnostic.code, 'SM101');
  });

  test('documents that are not files get no diagnostics', async () => {
    await client.open('untitled:Untitled-1', BROKEN);
    const probe = uri('probe/Dockerfile');
    await client.open(probe, BROKEN);
    await client.diagnostics(probe);
    assert.deepEqual(client.publishedFor('untitled:Untitled-1'), []);
  });

  test('a rule that throws is logged, and the other rules and the server keep working', async () => {
    const throwing: Rule = {
      id: 'SM998',
      title: 'throws',
      severity: 'error',
      appliesTo: 'any',
      check: () => {
        throw new Error('rule exploded');
      },
    };
    (RULES as Rule[]).unshift(throwing);
    try {
      const target = uri('throwing/Dockerfile');
      await client.open(target, BROKEN);
      assert.deepEqual(codes(await client.diagnostics(target)), ['SM101']);
      assert.ok(client.logs.some((line) => line.includes('Rule SM998 failed') && line.includes('rule exploded')));
    } finally {
      (RULES as Rule[]).shift();
    }
  });
  test('a Dockerfile is analysed once when opened and once per change', async () => {
    const target = uri('once/Dockerfile');
    await client.open(target, BROKEN);
    await client.diagnostics(target);
    await client.change(target, BROKEN.replace('CMD', 'ENTRYPOINT'), 2);
    await client.diagnostics(target, (_diagnostics, params) => params.version === 2);
    assert.deepEqual(
      client.publishedFor(target).map((params) => params.version),
      [1, 2],
    );
  });

  test('a job file gets what SageMaker would refuse at the key that sets it, once, and no Dockerfile diagnostics, hovers or completion', async () => {
    const target = uri('job/sagemaker-job.json');
    const text = '{\n  "image": "trainer",\n  "tags": { "team": "a;b" }\n}\n';
    await client.open(target, text);
    const diagnostics = await client.diagnostics(target);
    assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics));
    assert.equal(diagnostics[0].source, 'smct');
    assert.match(diagnostics[0].message, /^`tags\.team`: Tags\[0\]\.Value "a;b" does not match the pattern/);
    // At "team", on line 2: where the user types the fix.
    assert.equal(diagnostics[0].range.start.line, 2);
    assert.equal(text.split('\n')[2].slice(diagnostics[0].range.start.character, diagnostics[0].range.end.character), '"team"');
    assert.equal(
      await client.connection.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri: target }, position: { line: 1, character: 5 } }),
      null,
    );
    assert.deepEqual(
      await client.connection.sendRequest<CompletionItem[]>('textDocument/completion', { textDocument: { uri: target }, position: { line: 1, character: 5 } }),
      [],
    );
  });

  test('a job file whose only problems are the schema’s gets none from the server: the editor’s JSON validation shows those', async () => {
    const target = uri('schema-only/sagemaker-job.json');
    await client.open(target, '{ "image": 3 }\n');
    assert.deepEqual(await client.diagnostics(target), []);
  });
});

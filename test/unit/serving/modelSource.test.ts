import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import * as tar from 'tar';
import { isSmctError } from '../../../core/src/errors';
import { loadTrainingJob } from '../../../core/src/job/trainingJob';
import { parseListening } from '../../../core/src/serving/listeningPorts';
import { extractBounded, latestLocalModel } from '../../../core/src/serving/modelSource';
import { tempProject } from '../../helpers/tempDir';

describe('the model to serve', () => {
  test("latestLocalRun: the newest model.tar.gz of the job's runs, others' runs left aside", () => {
    const project = tempProject({
      'sagemaker-job.json': JSON.stringify({ image: 'my-model:latest', baseJobName: 'my-model' }),
      'output/my-model-2026-01-01-00-00-00-000/output/model.tar.gz': 'old',
      'output/my-model-2026-01-02-00-00-00-000/output/model.tar.gz': 'new',
      'output/other-2026-01-03-00-00-00-000/output/model.tar.gz': 'other',
      'output/my-model-2026-01-04-00-00-00-000/output/output.tar.gz': 'no model',
    });
    const older = path.join(project, 'output/my-model-2026-01-01-00-00-00-000/output/model.tar.gz');
    const newer = path.join(project, 'output/my-model-2026-01-02-00-00-00-000/output/model.tar.gz');
    fs.utimesSync(older, new Date(2000), new Date(2000));
    fs.utimesSync(path.join(project, 'output/other-2026-01-03-00-00-00-000/output/model.tar.gz'), new Date(), new Date(Date.now() + 60_000));
    const job = loadTrainingJob(path.join(project, 'sagemaker-job.json'));
    assert.equal(latestLocalModel(job), newer);
  });

  test('latestLocalRun with no run: FILE_UNREADABLE naming the fix', () => {
    const project = tempProject({ 'sagemaker-job.json': JSON.stringify({ image: 'lonely:latest' }) });
    assert.throws(
      () => latestLocalModel(loadTrainingJob(path.join(project, 'sagemaker-job.json'))),
      (error: Error) => isSmctError(error, 'FILE_UNREADABLE') && /run "smct train --local" first, or set "serving\.model"/.test(error.message),
    );
  });

  test('extraction refuses too many entries, too many bytes, and ".." paths', async () => {
    const project = tempProject({ 'src/a.txt': 'aaaa', 'src/b.txt': 'bbbb' });
    const archive = path.join(project, 'model.tar.gz');
    await tar.create({ gzip: true, file: archive, cwd: path.join(project, 'src') }, ['a.txt', 'b.txt']);
    await extractBounded(archive, path.join(project, 'fine'), 'model.tar.gz');
    assert.equal(fs.readFileSync(path.join(project, 'fine', 'b.txt'), 'utf8'), 'bbbb');
    const refused = (pattern: RegExp) => (error: Error) => isSmctError(error, 'FILE_UNREADABLE') && pattern.test(error.message);
    await assert.rejects(extractBounded(archive, path.join(project, 'few'), 'model.tar.gz', { maxEntries: 1, maxBytes: 100 }), refused(/more than 1 entries/));
    await assert.rejects(
      extractBounded(archive, path.join(project, 'small'), 'model.tar.gz', { maxEntries: 10, maxBytes: 6 }),
      refused(/holds more than 6 bytes/),
    );
    const outside = path.join(project, 'outside.tar.gz');
    await tar.create({ gzip: true, file: outside, cwd: path.join(project, 'src'), preservePaths: true }, ['../src/a.txt']);
    await assert.rejects(extractBounded(outside, path.join(project, 'out'), 'outside.tar.gz'), refused(/lies outside the model folder/));
    assert.equal(fs.existsSync(path.join(project, 'a.txt')), false);
  });

  test('extraction refuses a symlink chain that climbs out, and a hard link through a symlink', async () => {
    const project = tempProject({ 'secret.txt': 'host secret' });
    // "b -> a/.." reads as the model folder itself, but "a -> ." makes it the folder's parent on disk:
    // the hard link "h -> b/secret.txt" would then link the host's file into the model.
    const chain = path.join(project, 'chain.tar');
    fs.writeFileSync(
      chain,
      rawTar([
        { path: 'a', type: '2', linkpath: '.' },
        { path: 'b', type: '2', linkpath: 'a/..' },
        { path: 'h', type: '1', linkpath: 'b/secret.txt' },
      ]),
    );
    await assert.rejects(extractBounded(chain, path.join(project, 'model'), 'chain.tar'), (error: Error) => {
      return isSmctError(error, 'FILE_UNREADABLE') && /the link b points outside the model folder \(a\/\.\.\)/.test(error.message);
    });
    assert.equal(fs.existsSync(path.join(project, 'model', 'h')), false);
    // A hard link through a symlink that stays inside is refused too: it would follow the link on disk.
    const through = path.join(project, 'through.tar');
    fs.writeFileSync(
      through,
      rawTar([
        { path: 'real/w.txt', type: '0', body: 'weights' },
        { path: 'alias', type: '2', linkpath: 'real' },
        { path: 'h', type: '1', linkpath: 'alias/w.txt' },
      ]),
    );
    await assert.rejects(extractBounded(through, path.join(project, 'model2'), 'through.tar'), (error: Error) => {
      return isSmctError(error, 'FILE_UNREADABLE') && /the hard link h goes through the symbolic link alias/.test(error.message);
    });
    // Links that stay plainly inside still extract.
    const fine = path.join(project, 'fine.tar');
    fs.writeFileSync(
      fine,
      rawTar([
        { path: 'real/w.txt', type: '0', body: 'weights' },
        { path: 'alias', type: '2', linkpath: 'real/w.txt' },
        { path: 'h', type: '1', linkpath: 'real/w.txt' },
      ]),
    );
    await extractBounded(fine, path.join(project, 'model3'), 'fine.tar');
    assert.equal(fs.readFileSync(path.join(project, 'model3', 'alias'), 'utf8'), 'weights');
    assert.equal(fs.readFileSync(path.join(project, 'model3', 'h'), 'utf8'), 'weights');
  });

  test('the listening ports of a /proc/net/tcp table', () => {
    const table = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 00000000:1F91 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0',
      '   1: 0100007F:1F90 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 2 1 0 20 4 30 10 -1',
    ].join('\n');
    assert.deepEqual(parseListening(table), [8081]);
  });
});

/** A plain ustar archive from raw headers: the tar package would not write the links this test needs. */
function rawTar(entries: readonly { path: string; type: '0' | '1' | '2'; linkpath?: string; body?: string }[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const body = Buffer.from(entry.body ?? '');
    const header = Buffer.alloc(512);
    const put = (text: string, offset: number): void => void header.write(text, offset, 'latin1');
    put(entry.path, 0);
    put(entry.type === '0' ? '0000644\0' : '0000777\0', 100);
    put('0000000\0', 108);
    put('0000000\0', 116);
    put(body.length.toString(8).padStart(11, '0') + '\0', 124);
    put('00000000000\0', 136);
    put('        ', 148);
    put(entry.type, 156);
    put(entry.linkpath ?? '', 157);
    put('ustar\0', 257);
    put('00', 263);
    let sum = 0;
    for (const byte of header) sum += byte;
    put(sum.toString(8).padStart(6, '0') + '\0 ', 148);
    blocks.push(header, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

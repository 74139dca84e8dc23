import assert from 'node:assert/strict';
import { test } from 'node:test';
import { transferPrinter } from '../../../cli/src/progress';

function printer(): { print: ReturnType<typeof transferPrinter>; lines: string[] } {
  const lines: string[] = [];
  return { print: transferPrinter({ out: () => undefined, err: (text) => lines.push(text) }, 'downloaded'), lines };
}

test('transferPrinter: tenths per channel, each once; the manifest and its objects are separate lines', () => {
  const { print, lines } = printer();
  print({ channel: 'train manifest', bytesDone: 100, bytesTotal: 100 });
  print({ channel: 'train', bytesDone: 0, bytesTotal: 2000 });
  print({ channel: 'train', bytesDone: 1000, bytesTotal: 2000 });
  print({ channel: 'train', bytesDone: 1050, bytesTotal: 2000 });
  print({ channel: 'train', bytesDone: 2000, bytesTotal: 2000 });
  assert.deepEqual(lines, [
    '  train manifest: 100% of 100 bytes downloaded\n',
    '  train: 0% of 2.0 KB downloaded\n',
    '  train: 50% of 2.0 KB downloaded\n',
    '  train: 100% of 2.0 KB downloaded\n',
  ]);
});

test('transferPrinter: nothing to transfer (all cached) prints nothing', () => {
  const { print, lines } = printer();
  print({ channel: 'train', bytesDone: 0, bytesTotal: 0 });
  assert.deepEqual(lines, []);
});

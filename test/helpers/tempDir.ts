import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const created: string[] = [];
process.on('exit', () => created.forEach((root) => fs.rmSync(root, { recursive: true, force: true })));

/** A temporary folder with these files (path -> content, or content and mode), removed when the test process exits. */
export function tempProject(files: Record<string, string | Buffer | { content: string | Buffer; mode: number }>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'smct-test-'));
  created.push(root);
  for (const [name, value] of Object.entries(files)) {
    const file = path.join(root, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const entry = typeof value === 'string' || Buffer.isBuffer(value) ? { content: value, mode: 0o644 } : value;
    fs.writeFileSync(file, entry.content);
    fs.chmodSync(file, entry.mode);
  }
  return root;
}

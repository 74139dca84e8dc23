import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { copyOfExamples, findCodeServer, packageExtension, ROOT, startCodeServer } from './codeServer';

/**
 * `npm run demo`: VS Code (code-server) in the browser with the extension installed on a copy of
 * examples/, on http://127.0.0.1:8080 (or $PORT). Ctrl-C stops it and removes what it made.
 */
async function main(): Promise<void> {
  const found = findCodeServer();
  if ('missing' in found) throw new Error(found.missing);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'smct-demo-'));
  const workspace = copyOfExamples();
  const server = await startCodeServer({
    entry: found.entry,
    workspace,
    extensions: [packageExtension(ROOT, path.join(scratch, 'sagemaker-container-tools.vsix'))],
    port: Number(process.env.PORT ?? 8080),
  });
  process.stdout.write(`SageMaker Container Tools demo: open ${server.url}\n(open broken-training/Dockerfile; Ctrl-C to stop)\n`);
  const stop = (): void => {
    void server.stop().then(() => {
      fs.rmSync(scratch, { recursive: true, force: true });
      fs.rmSync(workspace, { recursive: true, force: true });
      process.exit(0);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`demo: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

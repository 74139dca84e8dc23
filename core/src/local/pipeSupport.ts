import type { TrainingJob } from '../job/trainingJob';
import { dockerOk } from './docker';
import { SmctError } from '../errors';

/**
 * Pipe mode's FIFOs are made on this machine and opened in the container through a bind mount:
 * that needs the container to share this machine's kernel. Docker Desktop (macOS, Windows, and
 * Linux too) runs containers in a VM whose file sharing passes files, not FIFOs, so the program
 * would wait on its FIFO for ever: such a run is refused before it starts.
 */
export async function checkPipeSupport(job: TrainingJob): Promise<void> {
  const pipes = job.inputs.filter((input) => input.inputMode === 'Pipe').map((input) => input.name);
  if (pipes.length === 0) return;
  const system =
    process.platform === 'linux'
      ? (await dockerOk(['info', '--format', '{{.OperatingSystem}}'])).trim()
      : `Docker on ${process.platform === 'darwin' ? 'macOS' : 'Windows'}`;
  if (process.platform === 'linux' && !/Docker Desktop/i.test(system)) return;
  throw new SmctError(
    'LOCAL_RUN_FAILED',
    `Pipe mode (channel ${pipes.join(', ')}) needs FIFOs shared with the container, which ${system} cannot pass: run it with Docker Engine on Linux, or set "inputMode": "File" for local runs.`,
  );
}

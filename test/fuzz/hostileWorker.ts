import { parentPort, workerData } from 'node:worker_threads';
import { HOSTILE_CASES } from './hostileCases';

// One case per worker, so that the test can stop a case that hangs and name it.
const { name } = workerData as { name: string };
HOSTILE_CASES[name]();
parentPort?.postMessage('done');

import { parentPort, workerData } from 'node:worker_threads';
import { generateCase } from './generate';
import { checkEngine } from './check';

// Runs in a worker so that the test can stop a hang and say which input caused it.
const { seed, count } = workerData as { seed: number; count: number };
for (let index = 0; index < count; index++) {
  parentPort?.postMessage({ type: 'start', index });
  let problem: string | undefined;
  try {
    problem = checkEngine(generateCase(seed, index));
  } catch (error) {
    problem = `the engine threw: ${(error as Error).stack}`;
  }
  if (problem) parentPort?.postMessage({ type: 'problem', index, problem });
}
parentPort?.postMessage({ type: 'done' });

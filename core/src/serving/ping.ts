import * as http from 'node:http';
import { SmctError } from '../errors';

/**
 * One GET /ping: the status code, or undefined when nothing answered within `timeoutMs`. The
 * status line decides (200 is healthy; the body is not read). A hard timer ends the attempt:
 * http.get's `timeout` fires only on an idle socket, so a server that trickles a byte a second
 * would hold it forever (SageMaker: "The request timeout on /ping attempts is 2 seconds",
 * https://docs.aws.amazon.com/sagemaker/latest/dg/your-algorithms-inference-code.html).
 * Rejects with CANCELLED as soon as `signal` aborts.
 */
export function pingOnce(url: string, timeoutMs: number, signal?: AbortSignal): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(cancelled());
      return;
    }
    const request = http.get(`${url}/ping`, { agent: false }, (response) => {
      settle(() => resolve(response.statusCode));
    });
    const timer = setTimeout(() => settle(() => resolve(undefined)), timeoutMs);
    const onAbort = (): void => settle(() => reject(cancelled()));
    signal?.addEventListener('abort', onAbort, { once: true });
    request.on('error', () => settle(() => resolve(undefined)));
    let settled = false;
    function settle(finish: () => void): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      request.destroy();
      finish();
    }
  });
}

function cancelled(): SmctError {
  return new SmctError('CANCELLED', 'Stopped before the endpoint was InService.');
}

/**
 * Splits a container's output stream into lines for a log, whatever the chunks: `push` passes on
 * each complete line (a CRLF's CR dropped), `flush` the last line if it had no newline, and says
 * whether there was one.
 */
export function lineSplitter(onLine: (line: string) => void): { push: (chunk: string) => void; flush: () => boolean } {
  let pending = '';
  return {
    push: (chunk) => {
      pending += chunk;
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      for (const line of parts) onLine(line.replace(/\r$/, ''));
    },
    flush: () => {
      const had = pending !== '';
      if (had) onLine(pending.replace(/\r$/, ''));
      pending = '';
      return had;
    },
  };
}

/** The middle of the samples (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('no samples');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export async function elapsedMsAsync(run: () => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Runs two asynchronous benchmarks alternately, one at a time (order swapped every sample, so drift lands on both). */
export async function sideBySideAsync(a: () => Promise<void>, b: () => Promise<void>, warmup: number, samples: number): Promise<{ a: number[]; b: number[] }> {
  return sideBySideMeasured(
    () => elapsedMsAsync(a),
    () => elapsedMsAsync(b),
    warmup,
    samples,
  );
}

/** sideBySideAsync for runs that time themselves (a part of what they do): each resolves with its own milliseconds. */
export async function sideBySideMeasured(
  a: () => Promise<number>,
  b: () => Promise<number>,
  warmup: number,
  samples: number,
): Promise<{ a: number[]; b: number[] }> {
  const times = { a: [] as number[], b: [] as number[] };
  for (let i = 0; i < warmup + samples; i++) {
    let timeA: number;
    let timeB: number;
    if (i % 2 === 0) {
      timeA = await a();
      timeB = await b();
    } else {
      timeB = await b();
      timeA = await a();
    }
    if (i >= warmup) {
      times.a.push(timeA);
      times.b.push(timeB);
    }
  }
  return times;
}

/** Timing for `awb bench`: warm up, repeat until a time budget is spent, report the median. */
export interface Timing {
  medianMs: number;
  runs: number;
}

/** `run` must finish its work before resolving (read the result back), so that the clock sees all of it. */
export async function timeMedian(
  run: () => Promise<void>,
  options: { warmup?: number; budgetMs?: number; minRuns?: number } = {},
): Promise<Timing> {
  const { warmup = 2, budgetMs = 400, minRuns = 3 } = options;
  for (let i = 0; i < warmup; i++) await run();
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < minRuns || performance.now() - start < budgetMs) {
    const t0 = performance.now();
    await run();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return { medianMs: samples[Math.floor(samples.length / 2)] as number, runs: samples.length };
}

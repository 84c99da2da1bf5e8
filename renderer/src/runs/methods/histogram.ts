/** Equal-width bins for the panels' static histograms (RLAIF confidences, PPO scores). */
export interface Bin {
  from: number;
  to: number;
  count: number;
}

/**
 * Counts `values` into `bins` equal bins over [low, high]. Values outside the range land in the end bins, so every
 * value is counted (a confidence of exactly 1, or a score past the range, still shows).
 */
export function binValues(values: readonly number[], low: number, high: number, bins: number): Bin[] {
  const width = (high - low) / bins;
  const result: Bin[] = Array.from({ length: bins }, (_, i) => ({
    from: low + i * width,
    to: low + (i + 1) * width,
    count: 0,
  }));
  for (const value of values) {
    // The small epsilon keeps 0.55 in the 0.55–0.6 bin despite floating-point division.
    const raw = width > 0 ? Math.floor((value - low) / width + 1e-9) : 0;
    const index = Math.min(bins - 1, Math.max(0, raw));
    (result[index] as Bin).count += 1;
  }
  return result;
}

/** Bins spanning the values' own range (a single distinct value gets one full bin). */
export function binByRange(values: readonly number[], bins: number): Bin[] {
  if (values.length === 0) return [];
  const low = Math.min(...values);
  const high = Math.max(...values);
  if (low === high) return [{ from: low, to: high, count: values.length }];
  return binValues(values, low, high, bins);
}

/** Choosing the next token from logits: greedy, temperature, top-k, top-p, with a seeded generator. */

export interface SamplingOptions {
  /** 0 is greedy (argmax). */
  temperature: number;
  /** Keep the k most likely tokens (0 or undefined: all). */
  topK?: number;
  /** Keep the smallest set whose probability reaches p (1 or undefined: all). */
  topP?: number;
}

/** mulberry32: a small, fast, seedable generator; the same seed gives the same samples on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] as number) > (values[best] as number)) best = i;
  return best;
}

/** Candidate ids with their probabilities after temperature, top-k and top-p, most likely first. */
function candidates(logits: ArrayLike<number>, options: SamplingOptions): Array<[number, number]> {
  const max = logits[argmax(logits)] as number;
  let ranked = Array.from(
    { length: logits.length },
    (_, id) => [id, Math.exp(((logits[id] as number) - max) / options.temperature)] as [number, number],
  );
  ranked.sort((a, b) => b[1] - a[1]);
  if (options.topK && options.topK > 0) ranked = ranked.slice(0, options.topK);
  const total = ranked.reduce((sum, [, weight]) => sum + weight, 0);
  ranked = ranked.map(([id, weight]) => [id, weight / total]);
  if (options.topP !== undefined && options.topP < 1) {
    let cumulative = 0;
    let kept = 0;
    while (kept < ranked.length && cumulative < options.topP) cumulative += (ranked[kept++] as [number, number])[1];
    ranked = ranked.slice(0, Math.max(kept, 1));
    const keptTotal = ranked.reduce((sum, [, p]) => sum + p, 0);
    ranked = ranked.map(([id, p]) => [id, p / keptTotal]);
  }
  return ranked;
}

export function sampleToken(logits: ArrayLike<number>, options: SamplingOptions, random: () => number): number {
  if (options.temperature <= 0) return argmax(logits);
  const ranked = candidates(logits, options);
  let threshold = random();
  for (const [id, p] of ranked) {
    threshold -= p;
    if (threshold <= 0) return id;
  }
  return (ranked.at(-1) as [number, number])[0];
}

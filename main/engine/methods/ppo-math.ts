/**
 * PPO's rollout-side arithmetic (SPEC §4, as TRL's PPOTrainer): per-token rewards from the reward model's score and
 * a KL penalty against the reference, generalised advantage estimation, whitening, and the adaptive KL controller.
 * None of it is differentiated, so it works on plain arrays: rows are responses, columns are response tokens, and
 * `mask` is 1 on the tokens a response has (0 after its end).
 */

export type Rows = number[][];

/** Estimators of KL(π ‖ ref) from one sampled token's log-probs (Schulman, "Approximating KL divergence", 2020). */
export type KlEstimator = 'k1' | 'k2' | 'k3';
export const KL_ESTIMATORS: Record<KlEstimator, (logProb: number, referenceLogProb: number) => number> = {
  /** log π − log ref: unbiased, can be negative on a single token. TRL's default. */
  k1: (logProb, referenceLogProb) => logProb - referenceLogProb,
  /** ½ (log π − log ref)²: biased, never negative, low variance. */
  k2: (logProb, referenceLogProb) => 0.5 * (logProb - referenceLogProb) ** 2,
  /** (r − 1) − log r with r = ref/π: unbiased and never negative. */
  k3: (logProb, referenceLogProb) => {
    const logRatio = referenceLogProb - logProb;
    return Math.expm1(logRatio) - logRatio;
  },
};

export interface TokenRewards {
  /** −kl_coef · KL per token, plus the score on each response's last token. [rows, T] */
  rewards: Rows;
  /** The KL estimate per token. [rows, T] */
  kl: Rows;
  /** −kl_coef · KL per token (the part of the reward that is not the score). [rows, T] */
  nonScore: Rows;
}

/**
 * Per-token rewards: the KL penalty on every response token and the reward model's score on the last one.
 * @param logProbs [rows, T] the policy's log-probs of the sampled tokens at rollout time
 * @param referenceLogProbs [rows, T] the reference model's
 * @param scores [rows] the reward model's score of each prompt + response (after any missing-EOS penalty)
 */
export function tokenRewards(
  logProbs: Rows,
  referenceLogProbs: Rows,
  mask: Rows,
  scores: number[],
  klCoef: number,
  estimator: KlEstimator = 'k1',
): TokenRewards {
  const estimate = KL_ESTIMATORS[estimator];
  const kl = logProbs.map((row, i) =>
    row.map((lp, t) => ((mask[i]?.[t] ?? 0) > 0 ? estimate(lp, referenceLogProbs[i]?.[t] as number) : 0)),
  );
  const nonScore = kl.map((row) => row.map((value) => (value === 0 ? 0 : -klCoef * value)));
  const rewards = nonScore.map((row, i) => {
    const out = [...row];
    const last = lastIndex(mask[i] as number[]);
    if (last >= 0) out[last] = (out[last] as number) + (scores[i] as number);
    return out;
  });
  return { rewards, kl, nonScore };
}

/** The index of the last 1 in a mask row, −1 for an empty row. */
export function lastIndex(maskRow: number[]): number {
  for (let t = maskRow.length - 1; t >= 0; t--) if ((maskRow[t] as number) > 0) return t;
  return -1;
}

/**
 * Generalised advantage estimation (Schulman et al., 2016), backwards over each response:
 * δ_t = r_t + γ·V_{t+1} − V_t, A_t = δ_t + γλ·A_{t+1}, with V and A taken as 0 past the response's end;
 * returns = A + V, the value head's targets.
 * @param rewards [rows, T], values [rows, T] (the value head at rollout time), mask [rows, T]
 */
export function generalizedAdvantages(rewards: Rows, values: Rows, mask: Rows, gamma: number, lam: number) {
  const advantages = rewards.map((row, i) => {
    const out = new Array<number>(row.length).fill(0);
    let next = 0;
    let nextValue = 0;
    for (let t = row.length - 1; t >= 0; t--) {
      if (((mask[i] as number[])[t] as number) === 0) continue;
      const value = (values[i] as number[])[t] as number;
      const delta = (row[t] as number) + gamma * nextValue - value;
      next = delta + gamma * lam * next;
      out[t] = next;
      nextValue = value;
    }
    return out;
  });
  const returns = advantages.map((row, i) => row.map((a, t) => (mask[i]?.[t] ? a + (values[i]?.[t] as number) : 0)));
  return { advantages, returns };
}

/** Mean and unbiased variance over the masked entries. */
export function maskedMoments(values: Rows, mask: Rows): { mean: number; variance: number; count: number } {
  let count = 0;
  let sum = 0;
  values.forEach((row, i) => {
    row.forEach((x, t) => {
      if (mask[i]?.[t]) {
        count += 1;
        sum += x;
      }
    });
  });
  const mean = count > 0 ? sum / count : 0;
  let squares = 0;
  values.forEach((row, i) => {
    row.forEach((x, t) => {
      if (mask[i]?.[t]) squares += (x - mean) ** 2;
    });
  });
  return { mean, variance: count > 1 ? squares / (count - 1) : 0, count };
}

/** (x − mean) / √(var + 1e-8) over the masked entries (0 elsewhere); shiftMean false adds the mean back. */
export function whiten(values: Rows, mask: Rows, shiftMean = true): Rows {
  const { mean, variance } = maskedMoments(values, mask);
  const scale = 1 / Math.sqrt(variance + 1e-8);
  return values.map((row, i) => row.map((x, t) => (mask[i]?.[t] ? (x - mean) * scale + (shiftMean ? 0 : mean) : 0)));
}

/**
 * The adaptive KL controller of Ziegler et al. (2019): after each batch the coefficient moves toward the value that
 * keeps the measured KL at `target`, by at most ±20% of the error per horizon's worth of samples.
 */
export class AdaptiveKlController {
  constructor(
    public value: number,
    private readonly target: number,
    private readonly horizon: number,
  ) {}

  update(measuredKl: number, samples: number): number {
    const error = Math.min(0.2, Math.max(-0.2, measuredKl / this.target - 1));
    this.value *= 1 + (error * samples) / this.horizon;
    return this.value;
  }
}

/**
 * One optimizer step: gradients of each micro-batch accumulated, NaN/Inf detection, global-norm clipping, the
 * scheduled learning rate, AdamW. Every tensor made is disposed before the step returns; losses come back as numbers.
 */
import * as tf from '@tensorflow/tfjs';
import { ADAMW_DEFAULTS, AdamW, type AdamWConfig } from './adamw';
import { learningRateAt, type ScheduleConfig } from './schedule';

export interface TrainerConfig extends ScheduleConfig {
  /** Clip the global gradient norm to this (0: no clipping). */
  maxGradNorm: number;
  optimizer: AdamWConfig;
}

export const TRAINER_DEFAULTS: Omit<TrainerConfig, 'totalSteps'> = {
  learningRate: 5e-5,
  warmupSteps: 0,
  scheduler: 'linear',
  maxGradNorm: 1,
  optimizer: ADAMW_DEFAULTS,
};

/** What a method computes for one micro-batch: the loss to minimise and named metrics (scalars). */
export interface LossOutput {
  loss: tf.Scalar;
  metrics: Record<string, tf.Scalar>;
}

export interface StepResult {
  step: number;
  loss: number;
  gradNorm: number;
  learningRate: number;
  /** Each metric averaged over the micro-batches. */
  metrics: Record<string, number>;
  /** What a method's monitors noticed this step (PPO's reward-hacking warnings), for the run's log. */
  warnings?: string[];
}

/** The run stops: a loss or gradient that is NaN or infinite would poison the weights. */
export class NonFiniteError extends Error {
  constructor(
    readonly step: number,
    what: string,
  ) {
    super(`step ${step}: the ${what} is not finite (NaN or Inf); the step was not applied`);
    this.name = 'NonFiniteError';
  }
}

function addInto(sum: Record<string, tf.Tensor>, gradients: tf.NamedTensorMap): void {
  for (const [name, gradient] of Object.entries(gradients)) {
    const previous = sum[name];
    sum[name] = previous ? tf.add(previous, gradient) : tf.clone(gradient);
    previous?.dispose();
  }
  tf.dispose(gradients);
}

export class Trainer {
  readonly optimizer: AdamW;
  private stepIndex = 0;

  constructor(
    /** The parameters to train (trainable variables), by name. */
    private readonly params: Record<string, tf.Variable>,
    readonly config: TrainerConfig,
  ) {
    this.optimizer = new AdamW(params, config.optimizer);
  }

  get step(): number {
    return this.stepIndex;
  }

  /** Sets the step counter (resume). */
  set step(value: number) {
    this.stepIndex = value;
  }

  /**
   * Runs one optimizer step over the micro-batches (gradient accumulation: their mean loss is minimised). With
   * `countStep` false the update is applied at the current step's learning rate without advancing the step: PPO
   * makes several updates (epochs × minibatches) per training step.
   */
  async trainStep(microBatches: Array<() => LossOutput>, countStep = true): Promise<StepResult> {
    const variables = Object.values(this.params);
    const names = new Map(variables.map((v, i) => [v.name, Object.keys(this.params)[i] as string]));
    const sums: Record<string, tf.Tensor> = {};
    const metricTotals: Record<string, number> = {};
    let lossTotal = 0;
    for (const microBatch of microBatches) {
      let metrics: Record<string, tf.Scalar> = {};
      const { value, grads } = tf.variableGrads(() => {
        const output = microBatch();
        metrics = Object.fromEntries(Object.entries(output.metrics).map(([k, m]) => [k, tf.keep(m)]));
        return tf.div(output.loss, microBatches.length) as tf.Scalar;
      }, variables);
      addInto(
        sums,
        Object.fromEntries(Object.entries(grads).map(([variableName, g]) => [names.get(variableName) as string, g])),
      );
      lossTotal += (await value.data())[0] as number;
      value.dispose();
      for (const [key, metric] of Object.entries(metrics))
        metricTotals[key] = (metricTotals[key] ?? 0) + ((await metric.data())[0] as number) / microBatches.length;
      tf.dispose(Object.values(metrics));
    }
    return this.apply(sums, lossTotal, metricTotals, countStep);
  }

  private async apply(
    sums: Record<string, tf.Tensor>,
    loss: number,
    metrics: Record<string, number>,
    countStep: boolean,
  ): Promise<StepResult> {
    const norm = tf.tidy(() => tf.sqrt(tf.addN(Object.values(sums).map((g) => tf.sum(tf.square(g))))));
    const gradNorm = (await norm.data())[0] as number;
    norm.dispose();
    const failure = !Number.isFinite(loss) ? 'loss' : !Number.isFinite(gradNorm) ? 'gradient norm' : undefined;
    if (failure) {
      tf.dispose(Object.values(sums));
      throw new NonFiniteError(this.stepIndex, failure);
    }
    const scale =
      this.config.maxGradNorm > 0 && gradNorm > this.config.maxGradNorm
        ? this.config.maxGradNorm / (gradNorm + 1e-6)
        : 1;
    const clipped =
      scale === 1
        ? sums
        : tf.tidy(() => Object.fromEntries(Object.entries(sums).map(([n, g]) => [n, tf.mul(g, scale)])));
    const learningRate = learningRateAt(this.stepIndex, this.config);
    this.optimizer.apply(clipped, learningRate);
    tf.dispose(Object.values(sums));
    if (clipped !== sums) tf.dispose(Object.values(clipped));
    if (countStep) this.stepIndex += 1;
    return { step: this.stepIndex, loss, gradNorm, learningRate, metrics };
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}

/**
 * The training loop of one stage: batches from the seeded sampler, one trainer step per `gradient_accumulation_steps`
 * micro-batches, metrics appended to the run's log, checkpoints every `save_steps`, and an exact resume from the
 * latest checkpoint.
 */
import type { PreparedMethod } from '../methods/method';
import type { CausalLM } from '../models/model';
import { type StepResult, Trainer } from '../training/trainer';
import { latestCheckpoint, loadCheckpoint, restoreParams, saveCheckpoint } from './checkpoint';
import type { MetricsLog } from './metrics-log';
import { BatchSampler } from './sampler';
import { type TrainingArgs, trainerConfig } from './training-args';

export interface StageProgress {
  stage: string;
  step: number;
  maxSteps: number;
  result: StepResult;
  tokensPerSecond?: number;
}

export interface TrainStageOptions {
  stage: string;
  model: CausalLM;
  prepared: PreparedMethod;
  args: TrainingArgs;
  seed: number;
  /** Where this stage's checkpoints go. */
  checkpointDir: string;
  log: MetricsLog;
  /** Continue from the newest checkpoint in checkpointDir, if there is one. */
  resume: boolean;
  onStep?: (progress: StageProgress) => void;
  /** Every eval_steps: held-out metrics (logged with the step) and sample generations. */
  onEval?: (step: number, metrics: Record<string, number>) => Promise<void>;
  /** Checked between steps: a requested stop saves a checkpoint and returns. */
  shouldStop?: () => boolean;
}

async function restore(options: TrainStageOptions, trainer: Trainer): Promise<BatchSampler | undefined> {
  const checkpoint = options.resume ? await latestCheckpoint(options.checkpointDir) : undefined;
  if (!checkpoint) return undefined;
  const saved = await loadCheckpoint(checkpoint);
  restoreParams(options.model.params, saved.params);
  trainer.optimizer.load(saved.optimizer);
  trainer.step = saved.state.step;
  await options.log.truncateAfter(options.stage, saved.state.step, []);
  return new BatchSampler(options.prepared.size, saved.state.sampler);
}

async function evaluate(options: TrainStageOptions, step: number): Promise<void> {
  const metrics = (await options.prepared.evaluate?.()) ?? {};
  if (Object.keys(metrics).length > 0)
    await options.log.append({ stage: options.stage, step, time: new Date().toISOString(), ...metrics });
  await options.onEval?.(step, metrics);
}

/** Runs the stage to max_steps (or until asked to stop); returns the last step's result. */
export async function trainStage(options: TrainStageOptions): Promise<StepResult | undefined> {
  const { args, prepared } = options;
  const trainer = new Trainer(prepared.trainable, trainerConfig(args));
  const sampler =
    (await restore(options, trainer)) ?? new BatchSampler(prepared.size, { seed: options.seed, epoch: 0, position: 0 });
  let last: StepResult | undefined;
  try {
    while (trainer.step < args.max_steps && !options.shouldStop?.()) {
      let tokens = 0;
      const batches = Array.from({ length: args.gradient_accumulation_steps }, () => {
        const indices = sampler.next(args.per_device_train_batch_size);
        tokens += prepared.tokens(indices);
        return indices;
      });
      const started = performance.now();
      last = prepared.step
        ? await prepared.step(trainer, batches.flat())
        : await trainer.trainStep(batches.map((indices) => () => prepared.loss(indices)));
      const tokensPerSecond = tokens / ((performance.now() - started) / 1000);
      if (last.step % args.logging_steps === 0 || last.step === args.max_steps) {
        const { step, loss, gradNorm, learningRate, metrics } = last;
        await options.log.append({
          stage: options.stage,
          step,
          time: new Date().toISOString(),
          loss,
          grad_norm: gradNorm,
          learning_rate: learningRate,
          ...metrics,
          tokens_per_second: tokensPerSecond,
        });
      }
      options.onStep?.({
        stage: options.stage,
        step: last.step,
        maxSteps: args.max_steps,
        result: last,
        tokensPerSecond,
      });
      if (args.eval_steps && last.step % args.eval_steps === 0) await evaluate(options, last.step);
      const due = last.step % args.save_steps === 0 || last.step === args.max_steps || options.shouldStop?.();
      if (due)
        await saveCheckpoint(options.checkpointDir, last.step, options.model.params, await trainer.optimizer.state(), {
          step: last.step,
          sampler: sampler.snapshot(),
        });
    }
  } finally {
    trainer.dispose();
  }
  return last;
}

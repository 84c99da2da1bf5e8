/** Learning-rate schedules: linear warmup, then cosine or linear decay to zero (or constant), as transformers does. */

export type SchedulerType = 'linear' | 'cosine' | 'constant';

export interface ScheduleConfig {
  learningRate: number;
  warmupSteps: number;
  totalSteps: number;
  scheduler: SchedulerType;
}

const DECAY: Record<SchedulerType, (progress: number) => number> = {
  linear: (progress) => 1 - progress,
  cosine: (progress) => 0.5 * (1 + Math.cos(Math.PI * progress)),
  constant: () => 1,
};

/** The learning rate for optimizer step `step` (0-based). */
export function learningRateAt(step: number, config: ScheduleConfig): number {
  if (step < config.warmupSteps) return (config.learningRate * (step + 1)) / config.warmupSteps;
  const decaySteps = Math.max(1, config.totalSteps - config.warmupSteps);
  const progress = Math.min(1, (step - config.warmupSteps) / decaySteps);
  return config.learningRate * DECAY[config.scheduler](progress);
}

/** What a training method gives the run loop: the parameters to train and the loss of a batch of examples. */

import type { Params } from '../models/layers';
import type { CausalLM } from '../models/model';
import type { TrainingArgs } from '../runs/training-args';
import type { Tokenizer } from '../tokenizers/tokenizer';
import type { LossOutput, StepResult, Trainer } from '../training/trainer';

export interface MethodContext {
  model: CausalLM;
  tokenizer: Tokenizer;
  /** The dataset's normalized rows. */
  rows: unknown[];
  /** Held-out rows (the stage's eval_dataset), when it has one. */
  evalRows?: unknown[];
  args: TrainingArgs;
  /** The method's own settings (e.g. DPO's beta), TRL's names. */
  options: Record<string, unknown>;
  seed: number;
  /** Loads another workspace model (PPO's reward model). */
  loadModel?(name: string): Promise<{ model: CausalLM; tokenizer: Tokenizer }>;
}

export interface PreparedMethod {
  /** What the optimizer updates (adapters only with LoRA; a head too for the reward model). */
  trainable: Params;
  /** Number of training examples. */
  size: number;
  /** Tokens the examples at these indices hold (both sequences of a pair), for tokens/s. */
  tokens(indices: number[]): number;
  /** The loss and metrics of the examples at these indices (runs inside the trainer's gradient tape). */
  loss(indices: number[]): LossOutput;
  /**
   * A step of the method's own, for methods whose step is more than one gradient update (PPO: rollouts, then
   * epochs × minibatches of updates). It must advance the trainer's step by one; without it, a step is one update of
   * `loss` over the sampled indices.
   */
  step?(trainer: Trainer, indices: number[]): Promise<StepResult>;
  /** Held-out metrics, when the method has them (e.g. the reward model's eval accuracy). */
  evaluate?(): Promise<Record<string, number>>;
  dispose(): void;
}

export type PrepareMethod = (context: MethodContext) => Promise<PreparedMethod>;

/** The training methods a recipe stage can name, each with its own settings (TRL's names) and its step. */
import type { z } from 'zod';
import { z as zod } from 'zod';
import { CaiOptionsSchema } from './cai';
import { DpoOptionsSchema, prepareDpo } from './dpo';
import type { PrepareMethod } from './method';
import { PpoOptionsSchema, preparePpo } from './ppo';
import { prepareReward, RewardOptionsSchema } from './reward';
import { RlaifOptionsSchema } from './rlaif';
import { prepareSft } from './sft';

/** Methods whose stage makes a dataset rather than training (RLAIF's judged pairs): their own settings only. */
export const DATA_METHODS = { rlaif: { options: RlaifOptionsSchema }, cai: { options: CaiOptionsSchema } } as const;

export interface MethodSpec {
  /** The method's own keys in a stage's config; every other key is a training argument. */
  options: z.ZodObject;
  prepare: PrepareMethod;
}

export const TRAINING_METHODS: Record<string, MethodSpec> = {
  sft: { options: zod.object({}), prepare: prepareSft },
  reward: { options: RewardOptionsSchema, prepare: prepareReward },
  dpo: { options: DpoOptionsSchema, prepare: prepareDpo },
  ppo: { options: PpoOptionsSchema, prepare: preparePpo },
};

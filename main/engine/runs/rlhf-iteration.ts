/**
 * The RLHF iteration loop as one action (SPEC §2, §4): new pairs on the newest policy (labelled by a judge, or the
 * votes from the chat pane's blind mode), the reward model retrained on old + new pairs, PPO again from the newest
 * policy; one recipe per iteration, so each is a run with its own checkpoints. Gains fade after 3–4 iterations: the
 * history lists each iteration's reward-model accuracy and policy score so the user sees when to stop.
 */
import { z } from 'zod';
import { JudgeSpecSchema } from '../judges/judge';
import { MetricsLog } from './metrics-log';
import type { RunRecord } from './run-store';

export const RlhfIterationSchema = z
  .object({
    /** The recipe's name; the iteration's models are NAME-rm and NAME-ppo. */
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/),
    /** The newest policy (the SFT model for the first iteration), where PPO starts and new answers come from. */
    policy: z.string().min(1),
    /** The model the reward model starts from (usually the SFT model). */
    rewardBase: z.string().min(1),
    /** Prompt-only (or any prompted) dataset: PPO's prompts and the new pairs' prompts. */
    prompts: z.string().min(1),
    /** Earlier preference datasets the reward model keeps learning from. */
    preferences: z.array(z.string().min(1)).default([]),
    /** New pairs from a judge on the newest policy's answers… */
    judge: JudgeSpecSchema.optional(),
    /** …or from votes already made into a dataset (votes.toDataset). */
    votes: z.string().min(1).optional(),
    labelling: z.record(z.string(), z.unknown()).default({}),
    reward: z.record(z.string(), z.unknown()).default({}),
    ppo: z.record(z.string(), z.unknown()).default({}),
    seed: z.number().int().nonnegative().default(1),
  })
  .strict()
  .refine((input) => input.judge !== undefined || input.votes !== undefined, {
    message: 'an iteration needs new pairs: a judge to label the policy’s answers, or a votes dataset',
  });
export type RlhfIteration = z.infer<typeof RlhfIterationSchema>;

export function iterationRecipe(input: RlhfIteration) {
  const label = input.judge
    ? [
        {
          name: 'label',
          method: 'rlaif',
          base: input.policy,
          dataset: input.prompts,
          config: { ...input.labelling, judge: input.judge },
        },
      ]
    : [];
  const newPairs = input.judge ? '@label' : (input.votes as string);
  return {
    name: input.name,
    base: input.policy,
    seed: input.seed,
    stages: [
      ...label,
      {
        name: 'rm',
        method: 'reward',
        base: input.rewardBase,
        dataset: [...input.preferences, newPairs],
        config: input.reward,
      },
      {
        name: 'ppo',
        method: 'ppo',
        base: input.policy,
        dataset: input.prompts,
        config: { ...input.ppo, reward_model: '@rm' },
      },
    ],
  };
}

export interface IterationSummary {
  runId: string;
  name: string;
  status: string;
  /** The retrained reward model's held-out accuracy (when the reward config names an eval_dataset). */
  rewardAccuracy: number | null;
  /** Mean objective/scores over PPO's last 5 logged steps: how the reward model rates the new policy. */
  policyScore: number | null;
  /** Mean objective/kl over the same steps. */
  kl: number | null;
  policy: string | null;
}

const LAST_STEPS = 5;

/** The iterations among the runs (recipes with rm and ppo stages), oldest first. */
export async function iterationHistory(
  runs: RunRecord[],
  metricsFile: (id: string) => string,
): Promise<IterationSummary[]> {
  const iterations = runs.filter((run) =>
    ['rm', 'ppo'].every((name) => run.stages.some((stage) => stage.name === name)),
  );
  return Promise.all(
    iterations.map(async (run) => {
      const ppoLines = (await new MetricsLog(metricsFile(run.id)).read())
        .filter((line) => line.stage === 'ppo')
        .slice(-LAST_STEPS);
      const mean = (key: string) => {
        const values = ppoLines.map((line) => line[key]).filter((v): v is number => typeof v === 'number');
        return values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : null;
      };
      const stage = (name: string) => run.stages.find((s) => s.name === name);
      return {
        runId: run.id,
        name: run.name,
        status: run.status,
        rewardAccuracy: stage('rm')?.evaluation?.eval_accuracy ?? null,
        policyScore: mean('objective/scores'),
        kl: mean('objective/kl'),
        policy: stage('ppo')?.output ?? null,
      };
    }),
  );
}

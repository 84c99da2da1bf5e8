/**
 * The next RLHF iteration as the Runs section asks it, and the rlhf.iterate request it becomes: new pairs on the
 * newest policy (a judge's labels, or votes made into a dataset), the reward model retrained on old + new pairs, PPO
 * again from the newest policy.
 */
import type { VerbRequest } from '../../../../preload/contract';
import { type JudgeChoice, judgeSpec } from '../../wizard/judge';
import { STAGE_DEFAULTS } from '../../wizard/stage-defaults';

export interface IterationForm {
  name: string;
  policy: string;
  rewardBase: string;
  prompts: string;
  /** Earlier preference datasets the reward model keeps learning from. */
  preferences: string[];
  /** Held-out pairs: the retrained reward model's accuracy is measured on them. */
  heldOut: string;
  source: 'judge' | 'votes';
  judge: JudgeChoice;
  votes: string;
}

/** The request, or what is still missing, in words. */
export function iterationRequest(form: IterationForm): { request: VerbRequest<'rlhf.iterate'> } | { missing: string } {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(form.name))
    return { missing: 'The name takes letters, digits, ".", "_", "-".' };
  if (!form.policy) return { missing: 'Pick the newest policy.' };
  if (!form.rewardBase) return { missing: 'Pick the model the reward model starts from.' };
  if (!form.prompts) return { missing: 'Pick a prompts dataset.' };
  const judge = form.source === 'judge' ? judgeSpec(form.judge, undefined) : undefined;
  if (judge && 'problem' in judge) return { missing: `The new pairs: ${judge.problem}.` };
  if (form.source === 'votes' && !form.votes) return { missing: 'Pick the votes dataset (Chat → make a dataset).' };
  const iteration = {
    name: form.name,
    policy: form.policy,
    rewardBase: form.rewardBase,
    prompts: form.prompts,
    preferences: form.preferences,
    ...(judge ? { judge: judge.spec, labelling: { ...STAGE_DEFAULTS.rlaif } } : { votes: form.votes }),
    reward: { ...STAGE_DEFAULTS.reward, ...(form.heldOut ? { eval_dataset: form.heldOut } : {}) },
    ppo: { ...STAGE_DEFAULTS.ppo },
  };
  return { request: { iteration } };
}

/** "rlhf-3" after two iterations named rlhf-1 and rlhf-2. */
export function nextIterationName(names: string[]): string {
  let n = names.length + 1;
  while (names.includes(`rlhf-${n}`)) n += 1;
  return `rlhf-${n}`;
}

/**
 * Who labels an RLAIF stage's pairs, as the wizard asks it, and the judge setting a recipe gets (the engine's
 * JudgeSpec). The API key of an endpoint is never put in a recipe: the recipe names the environment variable that
 * holds it.
 */
import type { JudgeSpec } from '../../../main/engine/judges/judge';

export type JudgeChoice =
  | { type: 'reward_model' }
  | { type: 'rule' }
  | { type: 'openai'; url: string; model: string; apiKeyEnv: string };

export const JUDGE_LABELS: Record<JudgeChoice['type'], string> = {
  reward_model: "The recipe's reward model",
  rule: "Scripted rule: the demo's oracle (verifiable rewards)",
  openai: 'An OpenAI-compatible chat endpoint (another checkpoint, a local server, a hosted API)',
};

/** The recipe's judge setting, or why there is none; rewardStage is the name of an earlier reward stage. */
export function judgeSpec(
  choice: JudgeChoice,
  rewardStage: string | undefined,
): { spec: JudgeSpec } | { problem: string } {
  if (choice.type === 'reward_model') {
    return rewardStage
      ? { spec: { type: 'reward_model', model: `@${rewardStage}` } }
      : { problem: 'its judge is the reward model, but no reward stage comes before it: pick another judge' };
  }
  if (choice.type === 'rule') return { spec: { type: 'rule', rule: 'demo-oracle' } };
  if (!/^https?:\/\/\S+$/.test(choice.url)) return { problem: 'its judge endpoint needs a URL (http:// or https://)' };
  if (!choice.model.trim()) return { problem: "its judge endpoint needs the model's name" };
  const key = choice.apiKeyEnv.trim();
  return {
    spec: {
      type: 'openai',
      url: choice.url,
      model: choice.model.trim(),
      ...(key ? { api_key_env: key } : {}),
      timeout_ms: 30_000,
      retries: 4,
      backoff_ms: 500,
    },
  };
}

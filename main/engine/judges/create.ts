/** The judge (or chat endpoint) a recipe's spec names, with what it needs from the workspace. */
import type { CausalLM } from '../models/model';
import type { Tokenizer } from '../tokenizers/tokenizer';
import type { EndpointSpec, Judge, JudgeSpec } from './judge';
import { type ChatEndpoint, promptedJudge } from './prompted-judge';
import { rewardModelJudge } from './reward-model-judge';
import { demoOracleJudge } from './rule-judge';

export async function createJudge(
  spec: JudgeSpec,
  loadModel: (name: string) => Promise<{ model: CausalLM; tokenizer: Tokenizer }>,
): Promise<Judge> {
  if (spec.type === 'rule') return demoOracleJudge();
  if (spec.type === 'reward_model') {
    const { model, tokenizer } = await loadModel(spec.model);
    return rewardModelJudge(spec.model, model, tokenizer);
  }
  return promptedJudge(chatEndpointOf(spec));
}

/** A recipe's endpoint spec as the chat client takes it, the key read from the variable the spec names. */
export function chatEndpointOf(spec: EndpointSpec): ChatEndpoint {
  const apiKey = spec.api_key_env ? process.env[spec.api_key_env] : undefined;
  if (spec.api_key_env && !apiKey) throw new Error(`the endpoint's key is missing: ${spec.api_key_env} is not set`);
  return {
    url: spec.url,
    model: spec.model,
    apiKey,
    timeoutMs: spec.timeout_ms,
    retries: spec.retries,
    backoffMs: spec.backoff_ms,
  };
}

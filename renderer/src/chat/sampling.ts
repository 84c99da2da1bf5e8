import { describeIssues, type Sampling, SamplingSchema } from '../../../preload/contract';

/** The fields as typed: strings, so a half-typed number ("0.") does not jump back to the last valid value. */
export type SamplingFields = Record<keyof Sampling, string>;

export const DEFAULT_SAMPLING: SamplingFields = {
  temperature: '0.7',
  topP: '0.95',
  topK: '0',
  maxNewTokens: '128',
  seed: '0',
};

export const SAMPLING_LABELS: Record<keyof Sampling, { label: string; hint: string; step: string }> = {
  temperature: { label: 'Temperature', hint: '0 is greedy: the most likely token every time', step: '0.1' },
  topP: { label: 'Top-p', hint: 'sample from the smallest set of tokens holding this probability', step: '0.05' },
  topK: { label: 'Top-k', hint: 'sample from the k most likely tokens; 0 means no limit', step: '1' },
  maxNewTokens: { label: 'Max new tokens', hint: 'the answer stops here if the model has not ended it', step: '1' },
  seed: { label: 'Seed', hint: 'the same seed and settings give the same answer', step: '1' },
};

/** The settings as the contract takes them, or the reason they are not valid (the contract's own rules). */
export function parseSampling(fields: SamplingFields): { sampling?: Sampling; error?: string } {
  const numbers = Object.fromEntries(
    Object.entries(fields).map(([key, value]) => [key, value.trim() === '' ? Number.NaN : Number(value)]),
  );
  const parsed = SamplingSchema.safeParse(numbers);
  if (parsed.success) return { sampling: parsed.data };
  return { error: describeIssues(parsed.error, 'sampling') };
}

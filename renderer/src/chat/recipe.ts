import type { ModelSummary } from '../../../preload/contract';

/** Names the engine accepts for datasets and models (letters, digits, ".", "_", "-"; 64 at most). */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Local time as 20250131-142501: sortable, and valid in run and model names. */
export function timeStamp(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  const day = `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}`;
  return `${day}-${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`;
}

/**
 * One DPO stage on the votes. β 0.5 and 1e-4 are the demo's measured settings for small models: a few dozen votes
 * move the policy without pulling it far from its SFT reference.
 */
export function votesDpoRecipe(base: string, dataset: string, maxSteps: number, now: Date) {
  return {
    name: `votes-dpo-${timeStamp(now)}`,
    base,
    seed: 1,
    stages: [
      {
        name: 'dpo',
        method: 'dpo',
        dataset,
        config: {
          beta: 0.5,
          learning_rate: 1e-4,
          max_steps: maxSteps,
          per_device_train_batch_size: 4,
          max_length: 160,
          logging_steps: 1,
          save_steps: 25,
        },
      },
    ],
  };
}

/** DPO starts from an SFT model: the first chosen chat model trained with SFT, else the first chosen one. */
export function defaultDpoBase(picks: string[], models: ModelSummary[]): string | undefined {
  const picked = picks.map((name) => models.find((model) => model.name === name)).filter((model) => model);
  return (picked.find((model) => model?.method === 'sft') ?? picked[0] ?? models[0])?.name;
}

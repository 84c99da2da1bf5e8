import type { ModelSummary } from '../../../preload/contract';

export const MIN_MODELS = 2;
export const MAX_MODELS = 4;

/** The first models of the list, one each, as many as the round compares by default. */
export function defaultPicks(models: ModelSummary[], count = MIN_MODELS): string[] {
  return models.slice(0, Math.min(count, MAX_MODELS)).map((model) => model.name);
}

/** Keeps picks that still exist (a model may have been deleted) and fills the rest with models not yet picked. */
export function reconcilePicks(picks: string[], models: ModelSummary[]): string[] {
  const names = models.map((model) => model.name);
  const kept = picks.filter((name) => names.includes(name));
  const unused = names.filter((name) => !kept.includes(name));
  const wanted = Math.max(picks.length, MIN_MODELS);
  return [...kept, ...unused].slice(0, Math.min(wanted, names.length));
}

/** Why the picks cannot be sent, or undefined. */
export function picksProblem(picks: string[]): string | undefined {
  if (picks.length < MIN_MODELS) return 'Pick at least two models: import or train another one in the Models section.';
  if (new Set(picks).size !== picks.length)
    return 'Pick different models: with shared settings the same model answers the same.';
  return undefined;
}

import { useState } from 'react';
import type { ModelSummary } from '../../../preload/contract';
import { reconcilePicks } from './picks';

/** The chosen models, kept in step with the models list (first load, a deleted model, a newly trained one). */
export function usePicks(models: ModelSummary[] | undefined) {
  const [picks, setPicks] = useState<string[]>([]);
  const [seen, setSeen] = useState<ModelSummary[]>();
  if (models && models !== seen) {
    setSeen(models);
    setPicks((current) => reconcilePicks(current, models));
  }
  return [picks, setPicks] as const;
}

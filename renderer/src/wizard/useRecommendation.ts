/**
 * advisor.recommend, called a moment after the form stops changing. A reply to an older form is dropped, and the
 * last recommendation stays on screen (marked as updating) while the next one is computed: no blocking spinner.
 */
import { useEffect, useState } from 'react';
import type { AdvisorInput, Recommendation } from '../../../main/engine/advisor/types';
import type { WorkbenchClient } from '../client/client';

export const RECOMMEND_DELAY_MS = 300;

export interface RecommendationState {
  recommendation: Recommendation | undefined;
  /** The input the shown recommendation answers. */
  answered: AdvisorInput | undefined;
  error: string | undefined;
  pending: boolean;
}

export function useRecommendation(client: WorkbenchClient, input: AdvisorInput | undefined): RecommendationState {
  const [state, setState] = useState<RecommendationState>({
    recommendation: undefined,
    answered: undefined,
    error: undefined,
    pending: false,
  });
  const serialised = input ? JSON.stringify(input) : undefined;

  useEffect(() => {
    if (!serialised) return;
    let current = true;
    setState((previous) => ({ ...previous, pending: true }));
    const timer = setTimeout(() => {
      const asked = JSON.parse(serialised) as AdvisorInput;
      client.call('advisor.recommend', asked).then(
        (recommendation) => {
          if (current) setState({ recommendation, answered: asked, error: undefined, pending: false });
        },
        (problem: Error) => {
          if (current) setState((previous) => ({ ...previous, error: problem.message, pending: false }));
        },
      );
    }, RECOMMEND_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [client, serialised]);

  return state;
}

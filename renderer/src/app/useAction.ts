import { useCallback, useRef, useState } from 'react';

export interface ActionState<A extends unknown[], R> {
  /** Runs the action; resolves with its result, or undefined when it failed (the error is in `error`). */
  run: (...args: A) => Promise<R | undefined>;
  pending: boolean;
  error: string | undefined;
  result: R | undefined;
}

/** A user action that calls the engine (import, export, vote…): its pending state, its error and its last result. */
export function useAction<A extends unknown[], R>(action: (...args: A) => Promise<R>): ActionState<A, R> {
  const latest = useRef(action);
  latest.current = action;
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  const [result, setResult] = useState<R>();
  const run = useCallback(async (...args: A) => {
    setPending(true);
    setError(undefined);
    try {
      const next = await latest.current(...args);
      setResult(next);
      return next;
    } catch (problem) {
      setError((problem as Error).message);
      return undefined;
    } finally {
      setPending(false);
    }
  }, []);
  return { run, pending, error, result };
}

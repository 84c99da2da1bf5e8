import { useCallback, useEffect, useState } from 'react';
import type { VerbName, VerbRequest, VerbResponse } from '../../../preload/contract';
import type { WorkbenchClient } from '../client/client';

export interface VerbState<V extends VerbName> {
  data: VerbResponse<V> | undefined;
  /** The contract error or engine failure, in words; the panel shows it instead of blanking. */
  error: string | undefined;
  loading: boolean;
  /** Calls the verb again (after an import, a vote, …). */
  reload: () => void;
}

/** Calls a verb when the panel mounts and whenever `key` changes; `payload` is read at call time. */
export function useVerb<V extends VerbName>(
  client: WorkbenchClient,
  verb: V,
  payload: VerbRequest<V>,
  key: unknown = '',
): VerbState<V> {
  const [data, setData] = useState<VerbResponse<V>>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(true);
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  const serialised = JSON.stringify(payload);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the payload is compared by value (serialised)
  useEffect(() => {
    let current = true;
    setLoading(true);
    client.call(verb, JSON.parse(serialised) as VerbRequest<V>).then(
      (next) => {
        if (!current) return;
        setData(next);
        setError(undefined);
        setLoading(false);
      },
      (problem: Error) => {
        if (!current) return;
        setError(problem.message);
        setLoading(false);
      },
    );
    return () => {
      current = false;
    };
  }, [client, verb, serialised, key, generation]);

  return { data, error, loading, reload };
}

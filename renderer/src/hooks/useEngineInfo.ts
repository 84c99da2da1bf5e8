import { useEffect, useState } from 'react';
import type { EngineInfo, EngineStatus } from '../../../preload/contract';
import type { WorkbenchClient } from '../client/client';

/** engine.info, fetched again whenever the engine becomes ready (a restarted engine is a new process). */
export function useEngineInfo(client: WorkbenchClient, status: EngineStatus | undefined) {
  const [info, setInfo] = useState<EngineInfo>();
  const [error, setError] = useState<string>();
  const readyKey = status?.state === 'ready' ? `${status.restarts}` : undefined;

  useEffect(() => {
    if (readyKey === undefined) return;
    let current = true;
    client.call('engine.info', {}).then(
      (next) => {
        if (!current) return;
        setInfo(next);
        setError(undefined);
      },
      (problem: Error) => {
        if (current) setError(problem.message);
      },
    );
    return () => {
      current = false;
    };
  }, [client, readyKey]);

  return { info, error };
}

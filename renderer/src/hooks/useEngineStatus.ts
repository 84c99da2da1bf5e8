import { useEffect, useState } from 'react';
import type { EngineStatus } from '../../../preload/contract';
import type { WorkbenchClient } from '../client/client';
import type { ConnectionState } from '../client/websocket-bridge';

export interface EngineStatusView {
  status: EngineStatus | undefined;
  connection: ConnectionState;
  /** A contract violation or failed call, shown instead of blanking the bar. */
  error: string | undefined;
}

/** The live engine status: the current value on (re)connect, then every `engine.status` event. */
export function useEngineStatus(client: WorkbenchClient): EngineStatusView {
  const [status, setStatus] = useState<EngineStatus>();
  const [connection, setConnection] = useState<ConnectionState>('connecting');
  const [error, setError] = useState<string>();

  useEffect(() => {
    const keepNewest = (next: EngineStatus) =>
      setStatus((previous) => (previous && previous.at > next.at ? previous : next));
    const offStatus = client.on(
      'engine.status',
      (next) => {
        setError(undefined);
        keepNewest(next);
      },
      (problem) => setError(problem.message),
    );
    const offConnection = client.onConnectionState((state) => {
      setConnection(state);
      if (state !== 'open') return;
      client.call('engine.status', {}).then(keepNewest, (problem: Error) => setError(problem.message));
    });
    return () => {
      offStatus();
      offConnection();
    };
  }, [client]);

  return { status, connection, error };
}

import { useCallback, useRef, useState } from 'react';
import type { WorkbenchClient } from '../client/client';
import { useEvent } from '../hooks/useEvent';
import { newId } from './ids';

/**
 * A long verb's job: `start()` gives the id to send with the request, `phase` follows its job.progress events, and
 * `cancel()` asks the engine to stop it before its next phase (a cancelled job writes nothing).
 */
export function useJob(client: WorkbenchClient) {
  const current = useRef<string | undefined>(undefined);
  const [phase, setPhase] = useState<string>();
  useEvent(client, 'job.progress', (progress) => {
    if (progress.jobId === current.current) setPhase(progress.phase);
  });
  const start = useCallback(() => {
    current.current = newId();
    setPhase(undefined);
    return current.current;
  }, []);
  const cancel = useCallback(() => {
    if (current.current) void client.call('jobs.cancel', { jobId: current.current }).catch(() => {});
  }, [client]);
  return { start, phase, cancel };
}

import { useEffect, useRef, useState } from 'react';
import type { EventName, EventPayload } from '../../../preload/contract';
import type { WorkbenchClient } from '../client/client';

/**
 * Subscribes to an engine event for the component's lifetime; the listener may change between renders without
 * resubscribing. Returns the last malformed event's error, for the panel to show (the listener never sees it).
 */
export function useEvent<E extends EventName>(
  client: WorkbenchClient,
  event: E,
  listener: (payload: EventPayload<E>) => void,
): string | undefined {
  const latest = useRef(listener);
  latest.current = listener;
  const [error, setError] = useState<string>();
  useEffect(
    () =>
      client.on(
        event,
        (payload) => latest.current(payload),
        (problem) => setError(problem.message),
      ),
    [client, event],
  );
  return error;
}

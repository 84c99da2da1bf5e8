import { useCallback, useRef, useState } from 'react';
import type { WorkbenchClient } from '../client/client';
import { useEvent } from '../hooks/useEvent';
import { notifyDesktop, runEndToast, type Toast } from './run-notices';

/** Listens to `run.status` app-wide: each run that ends becomes a toast and, when permitted, a desktop notification. */
export function useRunNotices(client: WorkbenchClient) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);
  const eventError = useEvent(client, 'run.status', (status) => {
    const toast = runEndToast(status, nextId.current++);
    if (!toast) return;
    setToasts((shown) => [...shown, toast]);
    notifyDesktop(toast);
  });
  const dismiss = useCallback((id: number) => setToasts((shown) => shown.filter((toast) => toast.id !== id)), []);
  return { toasts, dismiss, eventError };
}

import { useEffect, useState } from 'react';
import type { Toast } from './run-notices';

/** How long a good or neutral toast stays; a failure stays until dismissed, since its message matters. */
const TOAST_MS = 10_000;

function ToastItem({ toast, onDismiss }: { toast: Toast; onDismiss: (id: number) => void }) {
  useEffect(() => {
    if (toast.tone === 'bad') return;
    const timer = window.setTimeout(() => onDismiss(toast.id), TOAST_MS);
    return () => window.clearTimeout(timer);
  }, [toast, onDismiss]);
  return (
    <div className={`toast toast-${toast.tone}`} role={toast.tone === 'bad' ? 'alert' : 'status'} data-testid="toast">
      <strong>{toast.title}</strong>
      <span className="toast-body">{toast.body}</span>
      {toast.href ? <a href={toast.href}>Open</a> : null}
      <button type="button" className="toast-dismiss" aria-label="Dismiss" onClick={() => onDismiss(toast.id)}>
        ×
      </button>
    </div>
  );
}

/** Toasts in a corner, announced to screen readers; `problem` is a malformed event the app could not show. */
export function Toasts({
  toasts,
  onDismiss,
  problem,
}: {
  toasts: Toast[];
  onDismiss: (id: number) => void;
  problem?: string | undefined;
}) {
  const [dismissedProblem, setDismissedProblem] = useState<string>();
  return (
    <div className="toasts" aria-live="polite" data-testid="toasts">
      {problem && problem !== dismissedProblem ? (
        <div className="toast toast-bad" role="alert">
          <strong>Run status unreadable</strong>
          <span className="toast-body">{problem}</span>
          <button
            type="button"
            className="toast-dismiss"
            aria-label="Dismiss"
            onClick={() => setDismissedProblem(problem)}
          >
            ×
          </button>
        </div>
      ) : null}
      {toasts.map((toast) => (
        <ToastItem key={toast.id} toast={toast} onDismiss={onDismiss} />
      ))}
    </div>
  );
}

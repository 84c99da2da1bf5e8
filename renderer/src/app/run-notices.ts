import type { RunStatus } from '../../../preload/contract';

export type ToastTone = 'ok' | 'warn' | 'bad';

export interface Toast {
  id: number;
  tone: ToastTone;
  title: string;
  body: string;
  /** Where the toast leads (the run's dashboard). */
  href?: string;
}

/** The statuses that end a run, worth telling the user about wherever they are in the app. */
const RUN_ENDINGS: Partial<Record<RunStatus['status'], ToastTone>> = {
  completed: 'ok',
  stopped: 'warn',
  failed: 'bad',
};

/** The toast for a `run.status` event, or undefined when the run has not ended. */
export function runEndToast(status: RunStatus, id: number): Toast | undefined {
  const tone = RUN_ENDINGS[status.status];
  if (!tone) return undefined;
  const stage = status.stage ? ` (stage ${status.stage})` : '';
  return {
    id,
    tone,
    title: `Run ${status.status}`,
    body: `${status.runId}${stage}${status.message ? `: ${status.message}` : ''}`,
    href: `#/runs/${encodeURIComponent(status.runId)}`,
  };
}

/** An OS notification, so a run that ends while the window is in the background is not missed. */
export function notifyDesktop(toast: Toast): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  try {
    new Notification(toast.title, { body: toast.body });
  } catch {
    // Some hosts expose Notification but refuse to construct one (e.g. Android Chrome); the toast is still shown.
  }
}

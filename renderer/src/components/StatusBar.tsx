import type { EngineStatusView } from '../hooks/useEngineStatus';

const STATE_LABELS: Record<string, string> = {
  starting: 'Engine starting',
  ready: 'Engine ready',
  busy: 'Engine busy',
  crashed: 'Engine crashed',
  restarting: 'Engine restarting',
};

/** The live engine status and backend, at the bottom of every screen. */
export function StatusBar({ view, transport }: { view: EngineStatusView; transport: string }) {
  const { status, connection, error } = view;
  const state = connection === 'open' ? (status?.state ?? 'starting') : 'disconnected';
  return (
    <footer className="status-bar" data-testid="status-bar">
      <span className={`status-dot status-${state}`} aria-hidden="true" />
      <span data-testid="status-state" data-state={state}>
        {connection === 'open' ? STATE_LABELS[state] : 'Disconnected from the engine server; reconnecting…'}
      </span>
      {status?.backend && (
        <span className="status-item">
          backend <strong data-testid="status-backend">{status.backend}</strong>
        </span>
      )}
      {status && status.restarts > 0 && (
        <span className="status-item" data-testid="status-restarts">
          restarted {status.restarts}×
        </span>
      )}
      {status?.message && (
        <span className="status-item status-message" data-testid="status-message">
          {status.message}
        </span>
      )}
      {error && (
        <span className="status-item status-error" role="alert">
          {error}
        </span>
      )}
      <span className="status-spacer" />
      <span className="status-item status-transport">{transport === 'ipc' ? 'desktop' : 'browser · WebSocket'}</span>
    </footer>
  );
}

import { useCallback, useEffect, useState } from 'react';
import type { WorkbenchClient } from '../client/client';
import { Panel } from '../components/Panel';
import { useEvent } from '../hooks/useEvent';
import { useVerb } from '../hooks/useVerb';
import { RunDashboard } from './RunDashboard';
import { RunList } from './RunList';
import { RlhfLoop } from './rlhf/RlhfLoop';
import { runHash, runIdFromHash } from './route';
import './runs.css';

/** The run list (read again on every `run.status` event, never polled) and the selected run's dashboard. */
export function RunsView({ client }: { client: WorkbenchClient }) {
  const list = useVerb(client, 'runs.list', {});
  const statusError = useEvent(client, 'run.status', list.reload);
  const [selected, setSelected] = useState(() => runIdFromHash(window.location.hash));
  const runs = list.data?.runs ?? [];

  useEffect(() => {
    const onHash = () => {
      const fromHash = runIdFromHash(window.location.hash);
      if (fromHash) setSelected(fromHash);
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  const select = useCallback((runId: string) => {
    setSelected(runId);
    // Remember the choice in the URL, so a reload re-attaches, without a hashchange that re-routes the app.
    window.history.replaceState(null, '', runHash(runId));
  }, []);

  // Opened without a choice: follow the run that is training, as one expects after a reload.
  const running = runs.find((run) => run.status === 'running')?.id;
  const shown = selected ?? running;

  return (
    <div className="runs-view">
      <Panel title="Runs" testId="runs-list" error={list.error ?? statusError}>
        {list.data ? (
          <RunList runs={runs} selected={shown} onSelect={select} />
        ) : (
          <p className="muted">Reading the runs…</p>
        )}
      </Panel>
      {shown ? (
        <RunDashboard
          key={shown}
          client={client}
          runId={shown}
          summary={runs.find((run) => run.id === shown)}
          runs={runs}
          onChanged={list.reload}
          onSelect={select}
        />
      ) : null}
      <RlhfLoop client={client} onStarted={select} />
    </div>
  );
}

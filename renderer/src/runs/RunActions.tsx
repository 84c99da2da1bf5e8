import { useState } from 'react';
import type { RunSummary, VerbName } from '../../../preload/contract';
import type { WorkbenchClient } from '../client/client';
import { ForkForm } from './ForkForm';

interface RunActionsProps {
  client: WorkbenchClient;
  run: RunSummary;
  /** After an action: the list (and this run's status) must be read again. */
  onChanged: () => void;
  onForked: (run: RunSummary) => void;
}

type Action = 'runs.stop' | 'runs.resume';

const LABELS: Record<Action, { idle: string; pending: string }> = {
  'runs.stop': { idle: 'Stop', pending: 'Stopping…' },
  'runs.resume': { idle: 'Resume', pending: 'Resuming…' },
};

/** Stop, resume and fork, each showing its own pending state; a failure is shown here and nowhere else. */
export function RunActions({ client, run, onChanged, onForked }: RunActionsProps) {
  const [pending, setPending] = useState<VerbName>();
  const [error, setError] = useState<string>();
  const [forking, setForking] = useState(false);
  const canStop = run.status === 'running' || run.status === 'queued';
  const canResume = run.status === 'stopped' || run.status === 'interrupted' || run.status === 'failed';

  const act = (verb: Action) => {
    setPending(verb);
    setError(undefined);
    client.call(verb, { runId: run.id }).then(
      () => {
        setPending(undefined);
        onChanged();
      },
      (problem: Error) => {
        setPending(undefined);
        setError(`${LABELS[verb].idle} failed: ${problem.message}`);
      },
    );
  };

  const button = (verb: Action, enabled: boolean, testId: string) => (
    <button type="button" data-testid={testId} disabled={!enabled || pending !== undefined} onClick={() => act(verb)}>
      {pending === verb ? LABELS[verb].pending : LABELS[verb].idle}
    </button>
  );

  return (
    <div className="run-actions">
      <div className="run-action-buttons">
        {button('runs.stop', canStop, 'run-stop')}
        {button('runs.resume', canResume, 'run-resume')}
        <button type="button" data-testid="run-fork" aria-expanded={forking} onClick={() => setForking(!forking)}>
          Fork…
        </button>
      </div>
      {error ? (
        <p className="panel-error" role="alert" data-testid="run-action-error">
          {error}
        </p>
      ) : null}
      {forking ? (
        <ForkForm
          client={client}
          run={run}
          onForked={(forked) => {
            setForking(false);
            onChanged();
            onForked(forked);
          }}
        />
      ) : null}
    </div>
  );
}

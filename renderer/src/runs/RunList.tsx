import type { RunSummary } from '../../../preload/contract';

interface RunListProps {
  runs: RunSummary[];
  selected: string | undefined;
  onSelect: (runId: string) => void;
}

function stagesText(run: RunSummary): string {
  return run.stages
    .map(
      (stage) => `${stage.name} ${stage.step ?? 0}/${stage.maxSteps ?? '?'}${stage.status === 'running' ? ' ▸' : ''}`,
    )
    .join(' → ');
}

/** The queue and past runs, newest first: status, stages with their progress, queue position. */
export function RunList({ runs, selected, onSelect }: RunListProps) {
  if (runs.length === 0) return <p className="muted">No runs yet: the wizard creates them in one click.</p>;
  const newestFirst = [...runs].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return (
    <ul className="run-list">
      {newestFirst.map((run) => (
        <li key={run.id}>
          <button
            type="button"
            className={run.id === selected ? 'run-item selected' : 'run-item'}
            aria-pressed={run.id === selected}
            data-testid={`run-item-${run.id}`}
            onClick={() => onSelect(run.id)}
          >
            <span
              className={`status-badge status-${run.status}`}
              data-testid={`run-status-${run.id}`}
              data-status={run.status}
            >
              {run.status}
              {run.status === 'queued' && run.queuePosition !== undefined ? ` #${run.queuePosition + 1}` : ''}
            </span>
            <span className="run-name">{run.name}</span>
            <span className="run-stages muted">{stagesText(run)}</span>
            {run.message ? <span className="run-message">{run.message}</span> : null}
          </button>
        </li>
      ))}
    </ul>
  );
}

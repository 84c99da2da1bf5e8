import type { RunSummary } from '../../../preload/contract';
import type { CompareEntry } from './useCompare';

interface ComparePickerProps {
  runs: RunSummary[];
  entries: Record<string, CompareEntry>;
  onToggle: (runId: string) => void;
}

/** Checkboxes of the other runs; a checked run's loss joins the loss chart. */
export function ComparePicker({ runs, entries, onToggle }: ComparePickerProps) {
  if (runs.length === 0) return null;
  return (
    <fieldset className="compare-picker" data-testid="compare">
      <legend>Compare loss with</legend>
      {runs.map((run) => {
        const entry = entries[run.id];
        return (
          <label key={run.id} className="compare-option">
            <input
              type="checkbox"
              data-testid={`compare-${run.id}`}
              checked={entry !== undefined}
              onChange={() => onToggle(run.id)}
            />
            {run.name}
            {entry?.state === 'loading' ? <span className="muted"> loading…</span> : null}
            {entry?.state === 'error' ? <span className="panel-error"> {entry.message}</span> : null}
          </label>
        );
      })}
    </fieldset>
  );
}

import type { VerbResponse } from '../../../../preload/contract';
import type { WorkbenchClient } from '../../client/client';
import { Panel } from '../../components/Panel';
import { useEvent } from '../../hooks/useEvent';
import { useVerb } from '../../hooks/useVerb';
import { Histogram } from './Histogram';
import { binValues } from './histogram';

type Label = VerbResponse<'runs.dataStage'>['labels'][number];

// Bars from 0.5 (a coin toss: the judge's chosen answer is never below it) to 1, in 0.05 steps.
const CONFIDENCE_LOW = 0.5;
const CONFIDENCE_BINS = 10;

interface RlaifPanelProps {
  client: WorkbenchClient;
  runId: string;
  stage: string;
}

/** RLAIF's judged pairs: how many reached the confidence threshold, their spread, and every pair (kept or not). */
export function RlaifPanel({ client, runId, stage }: RlaifPanelProps) {
  const data = useVerb(client, 'runs.dataStage', { runId, stage });
  // The judge writes its labels while the stage runs: read them again whenever the run moves on.
  const statusError = useEvent(client, 'run.status', (status) => {
    if (status.runId === runId) data.reload();
  });
  const labels = data.data?.labels ?? [];
  const threshold = data.data?.threshold;
  const kept = labels.filter((label) => label.kept).length;
  return (
    <Panel title="RLAIF labels" testId="rlaif-panel" error={data.error ?? statusError}>
      {data.loading && !data.data ? <p className="muted">Loading the judged pairs…</p> : null}
      {data.data ? (
        <>
          <p className="method-counts">
            <span data-testid="rlaif-kept" data-count={kept}>
              {kept} kept
            </span>
            {' · '}
            <span data-testid="rlaif-low" data-count={labels.length - kept}>
              {labels.length - kept} below threshold
            </span>
            {threshold !== undefined ? ` (threshold ${threshold})` : ''}
          </p>
          <Histogram
            bins={binValues(
              labels.map((label) => label.confidence),
              CONFIDENCE_LOW,
              1,
              CONFIDENCE_BINS,
            )}
            testId="rlaif-histogram"
            barTestId="rlaif-bar"
            label="Judge confidence"
            marker={threshold !== undefined ? { at: threshold, label: `threshold ${threshold}` } : undefined}
          />
          <LabelTable labels={labels} />
        </>
      ) : null}
    </Panel>
  );
}

function LabelTable({ labels }: { labels: Label[] }) {
  if (labels.length === 0) return <p className="muted">The judge has not labelled any pair yet.</p>;
  return (
    <div className="method-table-scroll">
      <table className="method-table">
        <thead>
          <tr>
            <th>Prompt</th>
            <th>Answer A</th>
            <th>Answer B</th>
            <th>Choice</th>
            <th>Confidence</th>
            <th>Kept</th>
          </tr>
        </thead>
        <tbody>
          {labels.map((label) => (
            <LabelRow key={label.index} label={label} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function LabelRow({ label }: { label: Label }) {
  return (
    <tr
      data-testid={`rlaif-row-${label.index}`}
      data-kept={label.kept}
      className={label.kept ? undefined : 'label-dropped'}
      title={label.rationale}
    >
      <td>{label.prompt}</td>
      <td className={label.choice === 'A' ? 'label-chosen' : undefined}>{label.answers[0]}</td>
      <td className={label.choice === 'B' ? 'label-chosen' : undefined}>{label.answers[1]}</td>
      <td>{label.choice}</td>
      <td>{label.confidence.toFixed(2)}</td>
      <td>{label.kept ? 'kept' : 'below threshold'}</td>
    </tr>
  );
}

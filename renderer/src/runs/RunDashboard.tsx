import { useState } from 'react';
import type { RunSummary } from '../../../preload/contract';
import type { WorkbenchClient } from '../client/client';
import { Panel } from '../components/Panel';
import { ComparePicker } from './ComparePicker';
import { LogPanel, SamplesPanel } from './LivePanels';
import { MetricCharts } from './MetricCharts';
import { MethodPanel } from './methods/MethodPanel';
import { RunActions } from './RunActions';
import { StageProgressList } from './StageProgressList';
import { useCompare } from './useCompare';
import { type RunStream, useRunStream } from './useRunStream';

interface RunDashboardProps {
  client: WorkbenchClient;
  runId: string;
  /** The run as the list last read it (fresher than the history's copy). */
  summary: RunSummary | undefined;
  /** Every run, for the comparison picker. */
  runs: RunSummary[];
  onChanged: () => void;
  onSelect: (runId: string) => void;
}

/** The stage to show unless the user picked one: the one training now, else the last one that logged anything. */
function liveStage(run: RunSummary, stream: RunStream): string | undefined {
  const { progress, activeStage } = stream;
  const streaming = run.stages.find((stage) => stage.name === activeStage);
  const running = streaming ?? run.stages.find((stage) => stage.status === 'running');
  const logged = run.stages.filter((stage) => (progress[stage.name]?.step ?? 0) > 0).at(-1);
  return (running ?? logged ?? run.stages[0])?.name;
}

function StageTabs({
  stages,
  shown,
  onPick,
}: {
  stages: RunSummary['stages'];
  shown: string | undefined;
  onPick: (stage: string) => void;
}) {
  return (
    <div className="stage-tabs" role="tablist" aria-label="Stage">
      {stages.map((candidate) => (
        <button
          key={candidate.name}
          type="button"
          role="tab"
          aria-selected={candidate.name === shown}
          data-testid={`stage-tab-${candidate.name}`}
          onClick={() => onPick(candidate.name)}
        >
          {candidate.name}
        </button>
      ))}
    </div>
  );
}

export function RunDashboard({ client, runId, summary, runs, onChanged, onSelect }: RunDashboardProps) {
  const stream = useRunStream(client, runId);
  const run = summary ?? stream.detail?.run;
  const [stageChoice, setStageChoice] = useState<string>();
  const stageName = stageChoice ?? (run ? liveStage(run, stream) : undefined);
  const stage = run?.stages.find((candidate) => candidate.name === stageName);
  const compare = useCompare(client, stream.metrics, stage?.name ?? '', stage?.method ?? '');
  const errors = [stream.error, stream.eventError].filter(Boolean).join(' · ') || undefined;

  return (
    <div className="run-dashboard">
      <Panel
        title={run ? `Run ${run.name}` : `Run ${runId}`}
        testId="dashboard"
        error={errors}
        actions={
          run ? (
            <RunActions client={client} run={run} onChanged={onChanged} onForked={(forked) => onSelect(forked.id)} />
          ) : null
        }
      >
        {run ? (
          <>
            <p className="run-headline" data-testid="dashboard-status" data-status={run.status}>
              <span className={`status-badge status-${run.status}`}>{run.status}</span> base {run.base}
              {run.forkedFrom
                ? ` · forked from ${run.forkedFrom.run} (${run.forkedFrom.stage} step ${run.forkedFrom.step})`
                : ''}
              {run.message ? ` · ${run.message}` : ''}
            </p>
            <StageProgressList stages={run.stages} progress={stream.progress} running={run.status === 'running'} />
            <StageTabs stages={run.stages} shown={stage?.name} onPick={setStageChoice} />
            <ComparePicker
              runs={runs.filter((other) => other.id !== runId)}
              entries={compare.entries}
              onToggle={compare.toggle}
            />
            {stage ? <MetricCharts metrics={stream.metrics} stage={stage.name} method={stage.method} /> : null}
            {stage ? (
              <MethodPanel
                client={client}
                runId={runId}
                stage={stage}
                position={run.stages.indexOf(stage)}
                recipe={stream.detail?.recipe}
                metrics={stream.metrics}
                logs={stream.logs}
              />
            ) : null}
          </>
        ) : (
          <p className="muted">Loading the run…</p>
        )}
      </Panel>
      <div className="dashboard-side">
        <SamplesPanel samples={stream.samples} />
        <LogPanel logs={stream.logs} />
      </div>
    </div>
  );
}

import type { RunSummary } from '../../../preload/contract';
import { formatDuration } from './format';
import type { StageProgress } from './useRunStream';

interface StageProgressListProps {
  stages: RunSummary['stages'];
  progress: Record<string, StageProgress>;
  /** The run is training now: ETA and throughput mean something. */
  running: boolean;
}

/** A progress bar per stage: step of max_steps, ETA and throughput at the current pace. */
export function StageProgressList({ stages, progress, running }: StageProgressListProps) {
  return (
    <ol className="stage-progress-list">
      {stages.map((stage) => {
        const live = progress[stage.name];
        const step = live?.step ?? stage.step ?? 0;
        const maxSteps = live?.maxSteps ?? stage.maxSteps;
        const share = maxSteps ? Math.min(1, step / maxSteps) : stage.status === 'completed' ? 1 : 0;
        // Live figures come from the events, which run ahead of the listed stage status.
        const training = running && live !== undefined && share < 1;
        return (
          <li key={stage.name} className="stage-progress">
            <span className="stage-progress-name">
              {stage.name} <span className="muted">({stage.method})</span>
            </span>
            <div
              className={`progress-bar progress-${stage.status}`}
              role="progressbar"
              aria-label={`${stage.name} progress`}
              aria-valuemin={0}
              aria-valuemax={maxSteps ?? 0}
              aria-valuenow={step}
              data-testid={`progress-${stage.name}`}
              data-step={step}
              data-max-steps={maxSteps ?? ''}
              data-status={stage.status}
            >
              <div className="progress-fill" style={{ width: `${(share * 100).toFixed(1)}%` }} />
            </div>
            <span className="stage-progress-text">
              {step}/{maxSteps ?? '?'} · {stage.status}
              {training && live.etaSeconds !== undefined ? ` · ETA ${formatDuration(live.etaSeconds)}` : ''}
              {training && live.tokensPerSecond !== undefined ? ` · ${Math.round(live.tokensPerSecond)} tokens/s` : ''}
            </span>
          </li>
        );
      })}
    </ol>
  );
}

import { useEffect, useState } from 'react';
import type { RunLog } from '../../../../preload/contract';
import { LineChart } from '../../charts/LineChart';
import { SeriesStore } from '../../charts/series-store';
import { Panel } from '../../components/Panel';
import { formatValue } from '../format';
import type { RunMetrics } from '../run-metrics';
import type { Numbered } from '../useRunStream';
import { Histogram } from './Histogram';
import { binByRange } from './histogram';
import { klBound, type StageConfig } from './stage-config';
import { type Points, useStageSeries } from './useStageSeries';

const KL = 'objective/kl';
const SCORES = 'objective/scores';
const LAST_STEP_METRICS = [
  { name: 'policy/clipfrac_avg', label: 'policy clip fraction' },
  { name: 'val/clipfrac_avg', label: 'value clip fraction' },
  { name: 'loss/value_avg', label: 'value loss' },
  { name: 'val/mean_response_length', label: 'mean response length' },
] as const;
const WATCHED = [KL, SCORES, ...LAST_STEP_METRICS.map((metric) => metric.name)];
const SCORE_BINS = 10;

interface PpoPanelProps {
  metrics: RunMetrics;
  stage: string;
  config: StageConfig;
  logs: Array<Numbered<RunLog>>;
}

/** PPO's health at a glance: KL against its bound, the last step's clipping and value loss, scores, and warnings. */
export function PpoPanel({ metrics, stage, config, logs }: PpoPanelProps) {
  const series = useStageSeries(metrics, stage, WATCHED);
  const warnings = logs.filter((line) => line.level === 'warning');
  const scores = (series[SCORES] ?? []).map(([, value]) => value);
  return (
    <Panel title="PPO health" testId="ppo-panel">
      <WarningList warnings={warnings} />
      <KlAgainstBound points={series[KL] ?? []} config={config} />
      <dl className="ppo-last-step">
        {LAST_STEP_METRICS.map(({ name, label }) => {
          const last = series[name]?.at(-1);
          return (
            <div key={name} data-testid={`ppo-last-${name}`}>
              <dt>{label}</dt>
              <dd>{last ? formatValue(last[1]) : '—'}</dd>
            </div>
          );
        })}
      </dl>
      <h3>Scores across logged steps</h3>
      {scores.length === 0 ? <p className="muted">No objective/scores logged yet.</p> : null}
      <Histogram
        bins={binByRange(scores, SCORE_BINS)}
        testId="ppo-score-histogram"
        barTestId="ppo-score-bar"
        label="objective/scores across logged steps"
        format={formatValue}
      />
    </Panel>
  );
}

/** The KL chart with the bound drawn as a flat series, and a plain "over the bound" verdict on the latest step. */
function KlAgainstBound({ points, config }: { points: Points; config: StageConfig }) {
  const bound = klBound(config);
  const [store] = useState(() => new SeriesStore());
  // Primitives, so that a config object rebuilt on each render does not redraw the chart.
  const boundKey = bound?.key;
  const boundValue = bound?.value;
  useEffect(() => {
    store.replaceSeries(KL, points);
    if (boundKey && boundValue !== undefined) {
      store.replaceSeries(
        boundKey,
        points.map(([step]) => [step, boundValue] as const),
      );
    }
  }, [store, points, boundKey, boundValue]);
  const latest = points.at(-1)?.[1];
  const over = bound !== undefined && latest !== undefined && latest > bound.value;
  return (
    <div
      className={`ppo-kl${over ? ' ppo-kl-over' : ''}`}
      data-testid="ppo-kl"
      data-over={over}
      data-bound={bound?.value ?? ''}
    >
      <p>
        KL {latest !== undefined ? formatValue(latest) : '—'}
        {bound ? ` against ${bound.key} ${bound.value}` : ' (the recipe sets no max_kl or kl_target)'}
        {over ? <strong className="ppo-over-label"> · over the bound</strong> : null}
      </p>
      <LineChart store={store} testId="ppo-kl-chart" label="objective/kl by step against its bound" />
    </div>
  );
}

/** Reward-hacking monitors arrive as warning log lines: listed first, where they cannot be missed. */
function WarningList({ warnings }: { warnings: Array<Numbered<RunLog>> }) {
  return (
    <div className="ppo-warnings" data-testid="ppo-warnings" data-count={warnings.length}>
      {warnings.length === 0 ? (
        <p className="muted">No warnings from the PPO monitors.</p>
      ) : (
        <ul role="alert">
          {warnings.map((line, i) => (
            <li key={line.seq} data-testid={`ppo-warning-${i}`}>
              {new Date(line.at).toLocaleTimeString()} {line.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

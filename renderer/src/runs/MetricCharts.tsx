import { memo, useEffect, useState } from 'react';
import { LineChart } from '../charts/LineChart';
import { chartsFor } from './metric-catalogue';
import type { RunMetrics } from './run-metrics';

interface MetricChartsProps {
  metrics: RunMetrics;
  stage: string;
  method: string;
}

/**
 * The stage's charts: its method's metrics in a fixed order, then anything else it logged. Re-renders only when a
 * metric first appears; points reach the charts through their stores.
 */
export const MetricCharts = memo(function MetricCharts({ metrics, stage, method }: MetricChartsProps) {
  const [, setAppeared] = useState(0);
  useEffect(() => metrics.subscribe(() => setAppeared((count) => count + 1)), [metrics]);
  return (
    <div className="chart-grid">
      {chartsFor(method, metrics.logged(stage)).map((info) => (
        <figure key={`${stage}/${info.name}`} className="metric-chart">
          <figcaption>
            <strong>{info.name}</strong>
            {info.explanation ? <span className="metric-explanation">{info.explanation}</span> : null}
          </figcaption>
          <LineChart
            store={metrics.store(stage, info.name)}
            testId={`chart-${info.name}`}
            label={`${info.name} by step`}
          />
        </figure>
      ))}
    </div>
  );
});

import { useEffect, useMemo, useState } from 'react';
import type { RunMetrics } from '../run-metrics';

/** [step, value] pairs of one metric, in step order. */
export type Points = Array<[number, number]>;

/** This run's points for one metric of a stage, read from the store the charts share. */
function readPoints(metrics: RunMetrics, stage: string, name: string): Points {
  const store = metrics.store(stage, name);
  const column = store.columns[store.labels.indexOf(metrics.ownLabel)];
  if (!column) return [];
  const points: Points = [];
  store.xs.forEach((step, i) => {
    const value = column[i];
    if (value !== null && value !== undefined) points.push([step, value]);
  });
  return points;
}

/**
 * The named metrics of a stage, kept current: the panel re-reads them whenever one of their stores changes (the
 * backfill and each run.progress event both land in those stores).
 */
export function useStageSeries(metrics: RunMetrics, stage: string, names: readonly string[]): Record<string, Points> {
  const [version, setVersion] = useState(0);
  const key = names.join('\n');
  useEffect(() => {
    const bump = () => setVersion((count) => count + 1);
    const unsubscribes = key.split('\n').map((name) => metrics.store(stage, name).subscribe(bump));
    bump(); // points may have landed between the render and this subscription
    return () => {
      for (const unsubscribe of unsubscribes) unsubscribe();
    };
  }, [metrics, stage, key]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` is the signal that the stores changed
  return useMemo(
    () => Object.fromEntries(key.split('\n').map((name) => [name, readPoints(metrics, stage, name)])),
    [metrics, stage, key, version],
  );
}

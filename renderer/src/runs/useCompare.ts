/**
 * Other runs' loss overlaid on this run's loss chart: each picked run's history is read once (`runs.show`) and its
 * loss for the matching stage (same name, else the first of the same method) becomes a series of the chart's store.
 */
import { useEffect, useState } from 'react';
import type { RunDetail } from '../../../preload/contract';
import type { WorkbenchClient } from '../client/client';
import type { RunMetrics } from './run-metrics';

export type CompareEntry =
  | { state: 'loading' }
  | { state: 'error'; message: string }
  | { state: 'ready'; detail: RunDetail };

function lossPoints(detail: RunDetail, stage: string, method: string): Array<[number, number]> {
  const matching =
    detail.run.stages.find((candidate) => candidate.name === stage) ??
    detail.run.stages.find((candidate) => candidate.method === method);
  if (!matching) return [];
  return detail.metrics.flatMap((point) => {
    const loss = point.metrics.loss;
    return point.stage === matching.name && loss !== undefined && Number.isFinite(loss) ? [[point.step, loss]] : [];
  }) as Array<[number, number]>;
}

export function useCompare(client: WorkbenchClient, metrics: RunMetrics, stage: string, method: string) {
  const [entries, setEntries] = useState<Record<string, CompareEntry>>({});

  useEffect(() => {
    const store = metrics.store(stage, 'loss');
    const labels: string[] = [];
    for (const entry of Object.values(entries)) {
      if (entry.state !== 'ready') continue;
      const label = entry.detail.run.name;
      labels.push(label);
      store.replaceSeries(label, lossPoints(entry.detail, stage, method));
    }
    return () => {
      for (const label of labels) store.removeSeries(label);
    };
  }, [entries, metrics, stage, method]);

  const toggle = (runId: string) => {
    if (entries[runId]) {
      setEntries(({ [runId]: _, ...rest }) => rest);
      return;
    }
    setEntries((previous) => ({ ...previous, [runId]: { state: 'loading' } }));
    client.call('runs.show', { runId }).then(
      (detail) =>
        setEntries((previous) => (previous[runId] ? { ...previous, [runId]: { state: 'ready', detail } } : previous)),
      (problem: Error) =>
        setEntries((previous) =>
          previous[runId] ? { ...previous, [runId]: { state: 'error', message: problem.message } } : previous,
        ),
    );
  };

  return { entries, toggle };
}

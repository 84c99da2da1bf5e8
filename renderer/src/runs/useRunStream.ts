/**
 * One run's live view: the history from `runs.show`, then every `run.progress`, `run.sample` and `run.log` event for
 * the run, with no polling. Events that arrive while the history loads are held and applied after it, so nothing is
 * lost or counted twice (a step already in the history is replaced, not duplicated).
 */
import { useEffect, useState } from 'react';
import type { RunDetail, RunLog, RunProgress, RunSample } from '../../../preload/contract';
import type { WorkbenchClient } from '../client/client';
import { TOKENS_PER_SECOND } from './metric-catalogue';
import { RunMetrics } from './run-metrics';

export interface StageProgress {
  step: number;
  maxSteps: number | undefined;
  etaSeconds?: number | undefined;
  tokensPerSecond?: number | undefined;
}

/** A sample or log line with its arrival number, a stable React key (the same step may be logged twice). */
export type Numbered<T> = T & { seq: number };

const KEPT_SAMPLES = 50;
const KEPT_LOGS = 500;

export interface RunStream {
  detail: RunDetail | undefined;
  /** runs.show failed: the dashboard still follows the live events. */
  error: string | undefined;
  /** The last malformed run.progress event. */
  eventError: string | undefined;
  metrics: RunMetrics;
  /** The stage of the newest progress event: the one training now, even before the run list says so. */
  activeStage: string | undefined;
  progress: Record<string, StageProgress>;
  samples: Array<Numbered<RunSample>>;
  logs: Array<Numbered<RunLog>>;
}

function progressFromDetail(detail: RunDetail): Record<string, StageProgress> {
  const progress: Record<string, StageProgress> = {};
  for (const stage of detail.run.stages) progress[stage.name] = { step: stage.step ?? 0, maxSteps: stage.maxSteps };
  for (const point of detail.metrics) {
    const known = progress[point.stage];
    if (known && point.step > known.step) known.step = point.step;
  }
  return progress;
}

function metricsOf(event: RunProgress): Record<string, number> {
  if (event.tokensPerSecond === undefined) return event.metrics;
  return { ...event.metrics, [TOKENS_PER_SECOND]: event.tokensPerSecond };
}

export function useRunStream(client: WorkbenchClient, runId: string): RunStream {
  const [metrics] = useState(() => new RunMetrics('this run'));
  const [detail, setDetail] = useState<RunDetail>();
  const [error, setError] = useState<string>();
  const [eventError, setEventError] = useState<string>();
  const [progress, setProgress] = useState<Record<string, StageProgress>>({});
  const [activeStage, setActiveStage] = useState<string>();
  const [samples, setSamples] = useState<Array<Numbered<RunSample>>>([]);
  const [logs, setLogs] = useState<Array<Numbered<RunLog>>>([]);

  useEffect(() => {
    let held: RunProgress[] | undefined = [];
    let seq = 0;
    const numbered = <T>(item: T): Numbered<T> => ({ ...item, seq: seq++ });
    const apply = (event: RunProgress) => {
      metrics.ingest(event.stage, event.step, metricsOf(event));
      setActiveStage(event.stage);
      setProgress((previous) => ({
        ...previous,
        [event.stage]: {
          step: Math.max(event.step, previous[event.stage]?.step ?? 0),
          maxSteps: event.maxSteps,
          etaSeconds: event.etaSeconds ?? previous[event.stage]?.etaSeconds,
          tokensPerSecond: event.tokensPerSecond ?? previous[event.stage]?.tokensPerSecond,
        },
      }));
    };
    const release = () => {
      const waiting = held ?? [];
      held = undefined;
      for (const event of waiting) apply(event);
    };
    const subscriptions = [
      client.on(
        'run.progress',
        (event) => {
          if (event.runId !== runId) return;
          if (held) held.push(event);
          else apply(event);
        },
        (problem) => setEventError(problem.message),
      ),
      client.on('run.sample', (sample) => {
        if (sample.runId === runId) setSamples((previous) => [numbered(sample), ...previous].slice(0, KEPT_SAMPLES));
      }),
      client.on('run.log', (line) => {
        if (line.runId === runId) setLogs((previous) => [...previous, numbered(line)].slice(-KEPT_LOGS));
      }),
    ];
    let current = true;
    client.call('runs.show', { runId }).then(
      (loaded) => {
        if (!current) return;
        for (const point of loaded.metrics) metrics.ingest(point.stage, point.step, point.metrics);
        setDetail(loaded);
        setProgress(progressFromDetail(loaded));
        const history = loaded.samples.slice(-KEPT_SAMPLES).reverse().map(numbered);
        setSamples((live) => [...live, ...history].slice(0, KEPT_SAMPLES));
        release();
      },
      (problem: Error) => {
        if (!current) return;
        setError(`Could not load the run's history: ${problem.message}`);
        release();
      },
    );
    return () => {
      current = false;
      for (const unsubscribe of subscriptions) unsubscribe();
    };
  }, [client, runId, metrics]);

  return { detail, error, eventError, metrics, activeStage, progress, samples, logs };
}

/**
 * The streaming benchmark's feed: a stand-in engine with one running run whose history holds `series` metrics ×
 * `points` steps, then `rate` progress events a second, all through the real client (validation included) and the
 * real dashboard. Open `#/runs?bench=stream` (optionally `&points=10000&series=20&rate=10`); `window.awbStreamBench`
 * counts the events sent, for a Chromium script that measures long tasks while it streams.
 */
import type {
  CallResult,
  EventName,
  RunDetail,
  RunSummary,
  VerbName,
  WorkbenchBridge,
} from '../../../../preload/contract';
import { WorkbenchClient } from '../../client/client';
import { metricsFor, TOKENS_PER_SECOND } from '../metric-catalogue';

export interface StreamBenchOptions {
  points: number;
  series: number;
  rate: number;
}

export interface StreamBenchStats {
  options: StreamBenchOptions;
  eventsSent: number;
  step: number;
}

declare global {
  interface Window {
    awbStreamBench?: StreamBenchStats;
  }
}

const RUN_ID = 'bench-stream';
const STAGE = 'ppo';

export function benchOptions(hash: string): StreamBenchOptions {
  const query = new URLSearchParams(hash.split('?')[1] ?? '');
  const read = (key: string, fallback: number) => {
    const value = Number(query.get(key));
    return Number.isFinite(value) && value > 0 ? Math.floor(value) : fallback;
  };
  return { points: read('points', 10_000), series: read('series', 20), rate: read('rate', 10) };
}

/** PPO's charted metrics first (tokens/s travels in the event itself), then made-up ones up to `count`. */
function metricNames(count: number): string[] {
  const listed = metricsFor(STAGE)
    .map((metric) => metric.name)
    .filter((name) => name !== TOKENS_PER_SECOND);
  const names = listed.slice(0, count - 1);
  while (names.length < count - 1) names.push(`bench/extra_${names.length - listed.length + 1}`);
  return names;
}

/** Smooth, deterministic values that move at every step, so every redraw changes pixels. */
function valuesAt(names: string[], step: number): Record<string, number> {
  return Object.fromEntries(
    names.map((name, index) => [name, Math.exp(-step / 4000) + 0.1 * Math.sin(step / (20 + index))]),
  );
}

class StreamBenchBridge implements WorkbenchBridge {
  private readonly listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  private readonly names: string[];
  private timer: ReturnType<typeof setInterval> | undefined;
  readonly stats: StreamBenchStats;

  constructor(readonly options: StreamBenchOptions) {
    this.names = metricNames(options.series);
    this.stats = { options, eventsSent: 0, step: options.points };
  }

  private summary(): RunSummary {
    const now = new Date().toISOString();
    const stage = {
      name: STAGE,
      method: STAGE,
      status: 'running' as const,
      maxSteps: 10_000_000,
      step: this.stats.step,
    };
    return {
      id: RUN_ID,
      name: RUN_ID,
      status: 'running',
      base: 'bench-base',
      stages: [stage],
      createdAt: now,
      updatedAt: now,
    };
  }

  private detail(): RunDetail {
    const time = new Date().toISOString();
    const metrics = Array.from({ length: this.options.points }, (_, index) => ({
      stage: STAGE,
      step: index + 1,
      time,
      metrics: { ...valuesAt(this.names, index + 1), [TOKENS_PER_SECOND]: 1000 + (index % 100) },
    }));
    return { run: this.summary(), recipe: {}, metrics, samples: [], checkpoints: [] };
  }

  async call(verb: VerbName): Promise<CallResult<unknown>> {
    if (verb === 'runs.list') return { ok: true, result: { runs: [this.summary()] } };
    if (verb === 'runs.show') return { ok: true, result: this.detail() };
    return { ok: false, error: { code: 'unknown_verb', message: `the streaming benchmark does not answer ${verb}` } };
  }

  on(event: EventName, listener: (payload: unknown) => void): () => void {
    const set = this.listeners.get(event) ?? new Set();
    set.add(listener);
    this.listeners.set(event, set);
    if (event === 'run.progress') this.timer ??= setInterval(() => this.tick(), 1000 / this.options.rate);
    return () => {
      set.delete(listener);
      if (event === 'run.progress' && set.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  }

  private tick(): void {
    this.stats.step += 1;
    this.stats.eventsSent += 1;
    const step = this.stats.step;
    const payload = {
      runId: RUN_ID,
      stage: STAGE,
      method: STAGE,
      step,
      maxSteps: 10_000_000,
      metrics: valuesAt(this.names, step),
      tokensPerSecond: 1000 + (step % 100),
      etaSeconds: 3600,
    };
    for (const listener of this.listeners.get('run.progress') ?? []) listener(payload);
  }
}

export function createStreamBench(hash = window.location.hash): WorkbenchClient {
  const bridge = new StreamBenchBridge(benchOptions(hash));
  window.awbStreamBench = bridge.stats;
  return new WorkbenchClient(bridge, 'websocket');
}

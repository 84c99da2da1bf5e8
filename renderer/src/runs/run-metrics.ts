/**
 * A run's metric history, one SeriesStore per (stage, metric), fed by the backfill and the live events alike. Points
 * go straight into the stores (the charts redraw themselves); React only hears when a new metric appears, so that a
 * chart can be added for it.
 */
import { SeriesStore } from '../charts/series-store';

export class RunMetrics {
  private readonly stages = new Map<string, Map<string, SeriesStore>>();
  private readonly listeners = new Set<() => void>();

  /** The series name of this run's own values; compared runs are overlaid under their own names. */
  constructor(readonly ownLabel: string) {}

  ingest(stage: string, step: number, metrics: Record<string, number>): void {
    let added = false;
    for (const [name, value] of Object.entries(metrics)) {
      if (!Number.isFinite(value)) continue; // a NaN loss stops the run; the status message says so, not a gap
      const { store, created } = this.lookup(stage, name);
      added ||= created;
      store.upsert(this.ownLabel, step, value);
    }
    if (added) for (const listener of this.listeners) listener();
  }

  /** The store behind a chart, created empty for a metric nothing has logged yet. */
  store(stage: string, metric: string): SeriesStore {
    return this.lookup(stage, metric).store;
  }

  /** Metrics that hold data for a stage, in the order first logged. */
  logged(stage: string): string[] {
    const metrics = this.stages.get(stage);
    return metrics ? [...metrics].filter(([, store]) => store.length > 0).map(([name]) => name) : [];
  }

  /** Called when a metric first appears; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private lookup(stage: string, metric: string): { store: SeriesStore; created: boolean } {
    let metrics = this.stages.get(stage);
    if (!metrics) {
      metrics = new Map();
      this.stages.set(stage, metrics);
    }
    const existing = metrics.get(metric);
    if (existing) return { store: existing, created: existing.length === 0 };
    const store = new SeriesStore();
    metrics.set(metric, store);
    return { store, created: true };
  }
}

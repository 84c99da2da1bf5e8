/**
 * Long verbs given a `jobId` report their phases as `job.progress` events and can be cancelled with `jobs.cancel`:
 * the cancel takes effect when the job reaches its next phase, before anything is written, so a cancelled import or
 * export leaves the workspace as it was.
 */
import { InputError } from '../errors';
import type { EmitEvent } from './context';

export class JobCancelledError extends InputError {
  constructor(phase: string) {
    super(`cancelled before ${phase}; nothing was written`);
  }
}

/** Called by a job at the start of each phase; throws JobCancelledError once the job was cancelled. */
export type PhaseReporter = (phase: string, done?: number, total?: number | null) => void;

export class Jobs {
  private readonly running = new Map<string, { cancelled: boolean }>();

  constructor(private readonly emit: EmitEvent) {}

  async run<T>(jobId: string | undefined, work: (phase: PhaseReporter) => Promise<T>): Promise<T> {
    const state = { cancelled: false };
    if (jobId) this.running.set(jobId, state);
    const phase: PhaseReporter = (name, done = 0, total = null) => {
      if (state.cancelled) throw new JobCancelledError(name);
      if (jobId) this.emit('job.progress', { jobId, phase: name, done, total });
    };
    try {
      const result = await work(phase);
      if (jobId) this.emit('job.progress', { jobId, phase: 'done', done: 1, total: 1 });
      return result;
    } finally {
      if (jobId) this.running.delete(jobId);
    }
  }

  cancel(jobId: string): boolean {
    const state = this.running.get(jobId);
    if (!state) return false;
    state.cancelled = true;
    return true;
  }
}

/**
 * The engine's run queue: runs train one at a time, in the order they were queued (two runs at once would halve each
 * on a CPU and double the memory). A queued run waits in its record (status "queued"), so an engine that restarts
 * finds it and queues it again; stopping takes effect after the current step, with a checkpoint.
 */
import { InputError } from '../errors';
import { type RunRecord, RunStore } from './run-store';
import { executeRun, type RunEvents } from './runner';

interface QueuedRun {
  id: string;
  /** Continue from the newest checkpoint (a resumed or forked run). */
  resume: boolean;
}

export class RunQueue {
  private readonly waiting: QueuedRun[] = [];
  private current: { id: string; stop: boolean } | undefined;
  private drained: Promise<void> = Promise.resolve();

  constructor(
    private readonly workspace: string,
    private readonly events: RunEvents,
    private readonly log: (runId: string, level: 'info' | 'warning' | 'error', message: string) => void = () => {},
  ) {}

  /** Queues the runs a previous engine left queued. */
  async recover(): Promise<void> {
    const store = await RunStore.open(this.workspace);
    for (const run of store.list().filter((record) => record.status === 'queued')) {
      this.add({ id: run.id, resume: true });
    }
  }

  add(run: QueuedRun): void {
    this.waiting.push(run);
    this.events.status?.({ runId: run.id, status: 'queued' });
    if (!this.current) this.drained = this.drain();
  }

  /** 0 for the next to train; undefined when the run is not waiting. */
  position(id: string): number | undefined {
    const index = this.waiting.findIndex((run) => run.id === id);
    return index < 0 ? undefined : index;
  }

  /** Whether the run is training or waiting in the queue. */
  isActive(id: string): boolean {
    return this.current?.id === id || this.position(id) !== undefined;
  }

  async stop(id: string): Promise<RunRecord> {
    const store = await RunStore.open(this.workspace);
    if (this.current?.id === id) {
      this.current.stop = true;
      this.log(id, 'info', 'stop requested: the run stops after this step, with a checkpoint');
      return store.get(id);
    }
    const index = this.position(id);
    if (index === undefined) throw new InputError(`run ${id} is neither running nor queued`);
    this.waiting.splice(index, 1);
    const record = await store.update(id, { status: 'stopped', message: 'taken out of the queue before it started' });
    this.events.status?.({ runId: id, status: 'stopped', message: record.message });
    return record;
  }

  /** Resolves when the queue is empty (tests, shutdown). */
  idle(): Promise<void> {
    return this.drained;
  }

  private async drain(): Promise<void> {
    for (let next = this.waiting.shift(); next; next = this.waiting.shift()) {
      const control = { id: next.id, stop: false };
      this.current = control;
      this.log(next.id, 'info', next.resume ? 'resuming from the newest checkpoint' : 'training starts');
      try {
        const runId = next.id;
        const events: RunEvents = {
          ...this.events,
          shouldStop: () => control.stop,
          log: (level, message) => this.log(runId, level, message),
        };
        await executeRun(this.workspace, runId, events, next.resume);
        this.log(next.id, 'info', 'the run ended');
      } catch (error) {
        this.log(next.id, 'error', error instanceof Error ? error.message : String(error));
      }
    }
    this.current = undefined;
  }
}

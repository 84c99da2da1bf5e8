/**
 * Supervises the engine process: starts it, forwards verbs to it, restarts it after a crash and reports every change
 * as an `engine.status` event. Runs in Electron's main process and in the headless server; the process itself comes
 * from a launcher (utilityProcess or child_process), so this file has no `electron` import.
 */
import {
  type CallResult,
  ContractError,
  type EngineStatus,
  type EventName,
  type EventPayload,
  isEventName,
  parseEvent,
  parseRequest,
  parseResponse,
  type VerbName,
} from '../../preload/contract';
import { type EngineToHost, EngineToHostSchema } from '../engine/protocol';

export interface EngineProcessHandle {
  readonly pid: number | undefined;
  send(message: unknown): void;
  kill(): void;
  onMessage(listener: (message: unknown) => void): void;
  /** `reason` says how it ended, e.g. "exit code 1" or "signal SIGKILL". */
  onExit(listener: (reason: string) => void): void;
}
export type EngineLauncher = () => EngineProcessHandle;

export interface EngineHostOptions {
  /** First restart delay; doubles on each crash within `stableAfterMs` of the last start. */
  restartDelayMs?: number;
  /** More crashes than this in a row, each within `stableAfterMs` of its start, and the host gives up. */
  maxRapidCrashes?: number;
  stableAfterMs?: number;
}

interface Pending {
  verb: VerbName;
  resolve(result: unknown): void;
  reject(error: ContractError): void;
}

type EventListener = (event: EventName, payload: unknown) => void;

export class EngineHost {
  private process: EngineProcessHandle | undefined;
  private current: EngineStatus = { state: 'starting', restarts: 0, at: Date.now() };
  private readonly listeners = new Set<EventListener>();
  private readonly pending = new Map<number, Pending>();
  private readonly waitingForReady: Array<{ resolve(): void; reject(error: ContractError): void }> = [];
  private nextId = 1;
  private rapidCrashes = 0;
  private startedAt = 0;
  private fatalMessage: string | undefined;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private readonly options: Required<EngineHostOptions>;

  constructor(
    private readonly launch: EngineLauncher,
    options: EngineHostOptions = {},
  ) {
    this.options = { restartDelayMs: 500, maxRapidCrashes: 5, stableAfterMs: 30_000, ...options };
  }

  start(): void {
    this.stopping = false;
    this.fatalMessage = undefined;
    this.startedAt = Date.now();
    this.setStatus({ state: 'starting', backend: undefined, message: undefined });
    const child = this.launch();
    this.process = child;
    child.onMessage((message) => this.receive(child, message));
    child.onExit((reason) => this.exited(child, reason));
  }

  /** Kills the engine for good (app quit, server shutdown). */
  stop(): void {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    this.process?.kill();
    this.process = undefined;
    this.rejectAll('the engine was stopped');
  }

  status(): EngineStatus {
    return { ...this.current };
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  /** Subscribes to every event (status changes and, later, engine events); returns the unsubscribe function. */
  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Validates and runs a verb; never throws: errors come back as data. */
  async call(verb: string, payload: unknown): Promise<CallResult<unknown>> {
    try {
      return { ok: true, result: await this.callOrThrow(verb, payload) };
    } catch (error) {
      const contractError =
        error instanceof ContractError
          ? error
          : new ContractError('engine_error', String((error as Error)?.message ?? error));
      return { ok: false, error: contractError.toJSON() };
    }
  }

  private async callOrThrow(verb: string, payload: unknown): Promise<unknown> {
    const request = parseRequest(verb, payload);
    const name = verb as VerbName;
    if (name === 'engine.status') return this.status();
    await this.whenReady();
    const child = this.process;
    if (!child) throw new ContractError('engine_unavailable', this.fatalMessage ?? 'the engine is not running');
    const id = this.nextId++;
    const result = await new Promise<unknown>((resolve, reject) => {
      this.pending.set(id, { verb: name, resolve, reject });
      child.send({ kind: 'request', id, verb: name, payload: request });
    });
    return parseResponse(name, result);
  }

  private whenReady(): Promise<void> {
    const { state } = this.current;
    if (state === 'ready' || state === 'busy') return Promise.resolve();
    if (state === 'crashed' && this.fatalMessage !== undefined) {
      return Promise.reject(new ContractError('engine_unavailable', this.fatalMessage));
    }
    return new Promise((resolve, reject) => this.waitingForReady.push({ resolve, reject }));
  }

  private receive(child: EngineProcessHandle, raw: unknown): void {
    if (child !== this.process) return;
    const parsed = EngineToHostSchema.safeParse(raw);
    if (!parsed.success) return;
    const message: EngineToHost = parsed.data;
    if (message.kind === 'state') {
      this.setStatus({ state: message.state, backend: message.backend, message: undefined });
      if (message.state === 'ready') for (const waiter of this.waitingForReady.splice(0)) waiter.resolve();
    } else if (message.kind === 'event') {
      this.forwardEvent(message.event, message.payload);
    } else if (message.kind === 'fatal') {
      this.fatalMessage = message.message;
    } else if (message.kind === 'response') {
      const pending = this.pending.get(message.id);
      if (!pending) return;
      this.pending.delete(message.id);
      if (message.ok) pending.resolve(message.result);
      else pending.reject(new ContractError(message.error.code, message.error.message));
    }
  }

  /** Engine events pass on only when the contract knows them and their payload is valid. */
  private forwardEvent(event: string, payload: unknown): void {
    if (!isEventName(event) || event === 'engine.status') return;
    try {
      this.emit(event, parseEvent(event, payload));
    } catch {
      // A malformed event is dropped here rather than passed to every window.
    }
  }

  private exited(child: EngineProcessHandle, reason: string): void {
    if (child !== this.process || this.stopping) return;
    this.process = undefined;
    if (this.fatalMessage !== undefined) {
      this.setStatus({ state: 'crashed', message: this.fatalMessage });
      this.rejectAll(this.fatalMessage);
      return;
    }
    const crashedEarly = Date.now() - this.startedAt < this.options.stableAfterMs;
    this.rapidCrashes = crashedEarly ? this.rapidCrashes + 1 : 1;
    this.rejectAll(`the engine process ended (${reason}) while this request was running`, false);
    if (this.rapidCrashes > this.options.maxRapidCrashes) {
      this.fatalMessage = `the engine crashed ${this.rapidCrashes} times in a row (last: ${reason}); not restarting`;
      this.setStatus({ state: 'crashed', message: this.fatalMessage });
      this.rejectAll(this.fatalMessage);
      return;
    }
    this.setStatus({ state: 'crashed', message: `the engine process ended (${reason})` });
    const delay = this.options.restartDelayMs * 2 ** (this.rapidCrashes - 1);
    this.setStatus({ state: 'restarting', message: `restarting in ${(delay / 1000).toFixed(1)} s after ${reason}` });
    this.restartTimer = setTimeout(() => {
      this.current = { ...this.current, restarts: this.current.restarts + 1 };
      this.start();
    }, delay);
  }

  /** Rejects running requests; with `includeWaiting` also those waiting for the engine to be ready. */
  private rejectAll(message: string, includeWaiting = true): void {
    for (const pending of this.pending.values()) pending.reject(new ContractError('engine_unavailable', message));
    this.pending.clear();
    if (includeWaiting) {
      for (const waiter of this.waitingForReady.splice(0))
        waiter.reject(new ContractError('engine_unavailable', message));
    }
  }

  private setStatus(change: Partial<EngineStatus>): void {
    this.current = { ...this.current, ...change, at: Date.now() };
    this.emit('engine.status', this.status());
  }

  private emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners) listener(event, payload);
  }
}

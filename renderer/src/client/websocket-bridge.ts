/**
 * The contract over a WebSocket to `awb serve`: the same WorkbenchBridge the preload exposes under Electron. It
 * reconnects with backoff and reports its connection state.
 */
import {
  type CallResult,
  EventMessageSchema,
  type EventName,
  type RequestMessage,
  ResponseMessageSchema,
  type WorkbenchBridge,
} from '../../../preload/contract';

export type ConnectionState = 'connecting' | 'open' | 'closed';

export class WebSocketBridge implements WorkbenchBridge {
  private socket: WebSocket | undefined;
  private nextId = 1;
  private retryDelayMs = 250;
  private readonly pending = new Map<number, (result: CallResult<unknown>) => void>();
  private readonly listeners = new Map<string, Set<(payload: unknown) => void>>();
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();
  private queue: string[] = [];
  state: ConnectionState = 'connecting';

  constructor(private readonly url: string) {
    this.connect();
  }

  call(verb: string, payload: unknown): Promise<CallResult<unknown>> {
    const id = this.nextId++;
    const message: RequestMessage = { kind: 'request', id, verb, payload };
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.send(JSON.stringify(message));
    });
  }

  on(event: EventName, listener: (payload: unknown) => void): () => void {
    const set = this.listeners.get(event) ?? new Set();
    set.add(listener);
    this.listeners.set(event, set);
    return () => set.delete(listener);
  }

  /** Calls the listener with the current state at once, then on every change. */
  onConnectionState(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    listener(this.state);
    return () => this.stateListeners.delete(listener);
  }

  private send(text: string): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(text);
    else this.queue.push(text);
  }

  private setState(state: ConnectionState): void {
    this.state = state;
    for (const listener of this.stateListeners) listener(state);
  }

  private connect(): void {
    this.setState('connecting');
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.onopen = () => {
      this.retryDelayMs = 250;
      this.setState('open');
      for (const text of this.queue.splice(0)) socket.send(text);
    };
    socket.onmessage = (event) => this.receive(String(event.data));
    socket.onclose = () => {
      this.failPending('the connection to the server closed');
      this.setState('closed');
      setTimeout(() => this.connect(), this.retryDelayMs);
      this.retryDelayMs = Math.min(this.retryDelayMs * 2, 5000);
    };
  }

  private failPending(message: string): void {
    for (const resolve of this.pending.values()) resolve({ ok: false, error: { code: 'engine_unavailable', message } });
    this.pending.clear();
  }

  private receive(text: string): void {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return;
    }
    const response = ResponseMessageSchema.safeParse(raw);
    if (response.success) {
      const resolve = this.pending.get(response.data.id);
      this.pending.delete(response.data.id);
      resolve?.(
        response.data.ok ? { ok: true, result: response.data.result } : { ok: false, error: response.data.error },
      );
      return;
    }
    const event = EventMessageSchema.safeParse(raw);
    if (event.success) for (const listener of this.listeners.get(event.data.event) ?? []) listener(event.data.payload);
  }
}

/** ws://host/ws for the page's own server. */
export function websocketUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}

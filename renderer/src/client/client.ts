/**
 * The renderer's only way to the engine. It wraps a WorkbenchBridge (the preload's `window.workbench` under Electron,
 * a WebSocket to `awb serve` in a browser) and validates every reply and event against the contract, so UI code gets
 * typed data or a ContractError and cannot tell which transport it runs on.
 */
import {
  ContractError,
  type EventName,
  type EventPayload,
  parseEvent,
  parseResponse,
  type VerbName,
  type VerbRequest,
  type VerbResponse,
  type WorkbenchBridge,
} from '../../../preload/contract';
import { type ConnectionState, WebSocketBridge, websocketUrl } from './websocket-bridge';

export type Transport = 'ipc' | 'websocket';

export class WorkbenchClient {
  constructor(
    private readonly bridge: WorkbenchBridge,
    readonly transport: Transport,
  ) {}

  async call<V extends VerbName>(verb: V, payload: VerbRequest<V>): Promise<VerbResponse<V>> {
    const reply = await this.bridge.call(verb, payload);
    if (!reply.ok) throw new ContractError(reply.error.code, reply.error.message);
    return parseResponse(verb, reply.result);
  }

  /** `onError` receives events that break the contract, so a panel can show the problem instead of blanking. */
  on<E extends EventName>(
    event: E,
    listener: (payload: EventPayload<E>) => void,
    onError: (error: ContractError) => void = (error) => console.error(error),
  ): () => void {
    return this.bridge.on(event, (payload) => {
      let parsed: EventPayload<E>;
      try {
        parsed = parseEvent(event, payload);
      } catch (error) {
        onError(error as ContractError);
        return;
      }
      listener(parsed);
    });
  }

  /** The WebSocket's state; always 'open' under Electron, where IPC cannot drop. */
  onConnectionState(listener: (state: ConnectionState) => void): () => void {
    if (this.bridge instanceof WebSocketBridge) return this.bridge.onConnectionState(listener);
    listener('open');
    return () => {};
  }
}

declare global {
  interface Window {
    workbench?: WorkbenchBridge;
  }
}

export function createClient(): WorkbenchClient {
  if (window.workbench) return new WorkbenchClient(window.workbench, 'ipc');
  return new WorkbenchClient(new WebSocketBridge(websocketUrl(window.location)), 'websocket');
}

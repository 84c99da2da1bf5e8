/**
 * A WorkbenchClient over a scripted bridge, for component tests: verbs answer from a table (or fail), and tests push
 * events, well-formed or not, as the engine would. Replies and events still pass the contract's validation.
 */
import type { CallResult, EventName, VerbName, WorkbenchBridge } from '../../preload/contract';
import { WorkbenchClient } from '../../renderer/src/client/client';

export type VerbScript = Partial<Record<VerbName, (payload: unknown) => unknown>>;

export class ScriptedBridge implements WorkbenchBridge {
  readonly calls: Array<{ verb: VerbName; payload: unknown }> = [];
  private readonly listeners = new Map<EventName, Set<(payload: unknown) => void>>();

  constructor(private readonly script: VerbScript) {}

  async call(verb: VerbName, payload: unknown): Promise<CallResult<unknown>> {
    this.calls.push({ verb, payload });
    const answer = this.script[verb];
    if (!answer) return { ok: false, error: { code: 'unknown_verb', message: `no scripted answer for ${verb}` } };
    try {
      return { ok: true, result: await answer(payload) };
    } catch (error) {
      return { ok: false, error: { code: 'engine_error', message: (error as Error).message } };
    }
  }

  on(event: EventName, listener: (payload: unknown) => void): () => void {
    const set = this.listeners.get(event) ?? new Set();
    set.add(listener);
    this.listeners.set(event, set);
    return () => set.delete(listener);
  }

  /** Delivers an event as the engine would; the payload is not checked here (the client does that). */
  emit(event: EventName, payload: unknown): void {
    for (const listener of this.listeners.get(event) ?? []) listener(payload);
  }
}

export function scriptedClient(script: VerbScript): { client: WorkbenchClient; bridge: ScriptedBridge } {
  const bridge = new ScriptedBridge(script);
  return { client: new WorkbenchClient(bridge, 'websocket'), bridge };
}

/** The preload exposes verbs and subscriptions, never ipcRenderer itself. */
import { describe, expect, it, vi } from 'vitest';
import type { WorkbenchBridge } from '../../preload/contract';

type Listener = (...args: unknown[]) => void;
const exposed: Record<string, unknown> = {};
const listeners = new Set<Listener>();
const invoke = vi.fn(async () => ({ ok: true, result: {} }));
vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (key: string, api: unknown) => {
      exposed[key] = api;
    },
  },
  ipcRenderer: {
    invoke,
    on: (_channel: string, listener: Listener) => listeners.add(listener),
    removeListener: (_channel: string, listener: Listener) => listeners.delete(listener),
  },
}));

await import('../../preload/index');
const bridge = exposed.workbench as WorkbenchBridge;

describe('preload', () => {
  it('exposes only call and on, nothing of ipcRenderer', () => {
    expect(Object.keys(exposed)).toEqual(['workbench']);
    expect(Object.keys(bridge).sort()).toEqual(['call', 'on']);
  });

  it('forwards known verbs and refuses unknown ones without touching IPC', async () => {
    await bridge.call('engine.info', {});
    expect(invoke).toHaveBeenCalledWith('awb:call', 'engine.info', {});
    const refused = await bridge.call('shell.exec' as never, { command: 'rm -rf /' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'unknown_verb' } });
    expect(invoke).toHaveBeenCalledTimes(1);
  });

  it('delivers subscribed events and stops after unsubscribe', () => {
    const received: unknown[] = [];
    const unsubscribe = bridge.on('engine.status', (payload) => received.push(payload));
    for (const listener of listeners) listener({}, 'engine.status', { state: 'ready' });
    for (const listener of listeners) listener({}, 'other.event', { state: 'x' });
    unsubscribe();
    expect(listeners.size).toBe(0);
    expect(received).toEqual([{ state: 'ready' }]);
    expect(() => bridge.on('made.up' as never, () => {})).toThrow('unknown event');
  });
});

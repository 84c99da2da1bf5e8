/**
 * The preload: exposes the contract's verbs and events as `window.workbench`. It never exposes ipcRenderer, and it
 * forwards only names the contract knows.
 */
import { contextBridge, ipcRenderer } from 'electron';
import {
  type CallResult,
  IPC_CALL_CHANNEL,
  IPC_EVENT_CHANNEL,
  isEventName,
  isVerbName,
  type WorkbenchBridge,
} from './contract';

const bridge: WorkbenchBridge = {
  call(verb, payload): Promise<CallResult<unknown>> {
    if (!isVerbName(verb)) {
      return Promise.resolve({ ok: false, error: { code: 'unknown_verb', message: `unknown verb ${String(verb)}` } });
    }
    return ipcRenderer.invoke(IPC_CALL_CHANNEL, verb, payload);
  },
  on(event, listener) {
    if (!isEventName(event)) throw new Error(`unknown event ${String(event)}`);
    const handler = (_: unknown, name: unknown, payload: unknown) => {
      if (name === event) listener(payload);
    };
    ipcRenderer.on(IPC_EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, handler);
    };
  },
};

contextBridge.exposeInMainWorld('workbench', bridge);

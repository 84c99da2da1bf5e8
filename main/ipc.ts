/** The IPC bridge between the window and the engine host: one call channel, one event channel, senders checked. */
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { type CallResult, IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from '../preload/contract';
import type { EngineHost } from './host/engine-host';
import { isAppUrl } from './window';

/** A sender is trusted when it is the app window's own top frame showing the app's own renderer. */
export function isTrustedSender(
  event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>,
  appContents: WebContents | undefined,
  rendererUrl: string,
): boolean {
  const frame = event.senderFrame;
  if (!frame || !appContents || event.sender !== appContents) return false;
  if (frame.parent !== null) return false;
  return isAppUrl(frame.url, rendererUrl);
}

export function registerIpc(
  ipcMain: Pick<IpcMain, 'handle'>,
  engine: Pick<EngineHost, 'call'>,
  trusted: (event: IpcMainInvokeEvent) => boolean,
): void {
  ipcMain.handle(IPC_CALL_CHANNEL, async (event, verb: unknown, payload: unknown): Promise<CallResult<unknown>> => {
    if (!trusted(event)) {
      return { ok: false, error: { code: 'unauthorized', message: 'this sender may not call the engine' } };
    }
    return engine.call(String(verb), payload);
  });
}

/** Pushes every engine event to the window; returns the function that stops it. */
export function forwardEvents(engine: Pick<EngineHost, 'subscribe'>, contents: WebContents): () => void {
  return engine.subscribe((event, payload) => {
    if (!contents.isDestroyed()) contents.send(IPC_EVENT_CHANNEL, event, payload);
  });
}

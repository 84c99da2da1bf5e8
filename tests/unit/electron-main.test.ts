/** The Electron shell's security baseline (SPEC §9), with `electron` mocked: no Electron binary is needed. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';

type Handler = (...args: unknown[]) => unknown;

const created: FakeWindow[] = [];
class FakeWindow {
  readonly options: { show?: boolean; webPreferences: Record<string, unknown> };
  readonly handlers = new Map<string, Handler>();
  readonly contentsHandlers = new Map<string, Handler>();
  openHandler: Handler | undefined;
  shown = false;
  loadedUrl = '';
  readonly webContents = {
    setWindowOpenHandler: (handler: Handler) => {
      this.openHandler = handler;
    },
    on: (event: string, handler: Handler) => this.contentsHandlers.set(event, handler),
  };
  constructor(options: FakeWindow['options']) {
    this.options = options;
    created.push(this);
  }
  once(event: string, handler: Handler) {
    this.handlers.set(event, handler);
  }
  show() {
    this.shown = true;
  }
  async loadURL(url: string) {
    this.loadedUrl = url;
  }
}

const openExternal = vi.fn(async () => {});
vi.mock('electron', () => ({ BrowserWindow: FakeWindow, shell: { openExternal } }));

const { createMainWindow, isAppUrl } = await import('../../main/window');
const { isTrustedSender, registerIpc } = await import('../../main/ipc');
const { IPC_CALL_CHANNEL } = await import('../../preload/contract');

const RENDERER = 'file:///opt/awb/out/renderer/index.html';

describe('the app window', () => {
  beforeEach(() => {
    created.length = 0;
  });

  it('isolates the renderer: context isolation, sandbox, no Node, web security on', () => {
    createMainWindow({ rendererUrl: RENDERER, preloadPath: '/opt/awb/out/preload/index.cjs' });
    const prefs = created[0]?.options.webPreferences;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webviewTag: false,
      preload: '/opt/awb/out/preload/index.cjs',
    });
    expect(prefs?.webSecurity).not.toBe(false);
  });

  it('stays hidden until ready-to-show, then shows', () => {
    createMainWindow({ rendererUrl: RENDERER, preloadPath: 'p' });
    const window = created[0] as FakeWindow;
    expect(window.options.show).toBe(false);
    expect(window.shown).toBe(false);
    window.handlers.get('ready-to-show')?.();
    expect(window.shown).toBe(true);
    expect(window.loadedUrl).toBe(RENDERER);
  });

  it('denies new windows and opens web links in the browser instead', () => {
    createMainWindow({ rendererUrl: RENDERER, preloadPath: 'p' });
    const open = created[0]?.openHandler as Handler;
    expect(open({ url: 'https://huggingface.co/docs/trl' })).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenCalledWith('https://huggingface.co/docs/trl');
    expect(open({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenCalledTimes(1);
  });

  it('locks navigation to the app itself', () => {
    createMainWindow({ rendererUrl: RENDERER, preloadPath: 'p' });
    const willNavigate = created[0]?.contentsHandlers.get('will-navigate') as Handler;
    const away = { preventDefault: vi.fn() };
    willNavigate(away, 'https://example.com/');
    expect(away.preventDefault).toHaveBeenCalled();
    const inside = { preventDefault: vi.fn() };
    willNavigate(inside, `${RENDERER}#/runs`);
    expect(inside.preventDefault).not.toHaveBeenCalled();
    expect(isAppUrl('file:///tmp/evil.html', RENDERER)).toBe(false);
    expect(isAppUrl('http://localhost:5173/#/chat', 'http://localhost:5173/')).toBe(true);
    expect(isAppUrl('http://localhost:5174/', 'http://localhost:5173/')).toBe(false);
  });

  it('ships a strict Content-Security-Policy with the renderer', () => {
    const html = readFileSync(path.join(import.meta.dirname, '..', '..', 'renderer', 'index.html'), 'utf8');
    const csp = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1] ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("object-src 'none'");
  });
});

describe('IPC handlers', () => {
  const appContents = { id: 1 };
  const topFrame = (url: string) => ({ url, parent: null });

  function setup() {
    let handler: Handler | undefined;
    const ipcMain = {
      handle: (channel: string, fn: Handler) => {
        if (channel === IPC_CALL_CHANNEL) handler = fn;
      },
    };
    const engine = { call: vi.fn(async () => ({ ok: true as const, result: 'answered' })) };
    registerIpc(ipcMain as never, engine as never, (event) =>
      isTrustedSender(event as never, appContents as never, RENDERER),
    );
    return { handler: handler as Handler, engine };
  }

  it('answers the app window', async () => {
    const { handler, engine } = setup();
    const reply = await handler({ sender: appContents, senderFrame: topFrame(RENDERER) }, 'engine.info', {});
    expect(reply).toEqual({ ok: true, result: 'answered' });
    expect(engine.call).toHaveBeenCalledWith('engine.info', {});
  });

  it('rejects a foreign sender without reaching the engine', async () => {
    const { handler, engine } = setup();
    const foreign = [
      { sender: { id: 2 }, senderFrame: topFrame(RENDERER) }, // another webContents
      { sender: appContents, senderFrame: topFrame('https://example.com/') }, // navigated away
      { sender: appContents, senderFrame: { url: RENDERER, parent: {} } }, // a subframe
      { sender: appContents, senderFrame: null }, // a frame already gone
    ];
    for (const event of foreign) {
      expect(await handler(event, 'engine.info', {})).toEqual({
        ok: false,
        error: { code: 'unauthorized', message: 'this sender may not call the engine' },
      });
    }
    expect(engine.call).not.toHaveBeenCalled();
  });
});

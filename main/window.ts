/** The app window, with the security baseline of SPEC §9. */
import { BrowserWindow, shell, type WebPreferences } from 'electron';

export interface WindowTarget {
  /** Dev server URL (electron-vite dev) or the file:// URL of the built renderer. */
  rendererUrl: string;
  preloadPath: string;
}

export function webPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
  };
}

/** True for URLs of the app's own renderer: the same origin as the dev server, or the same file:// document. */
export function isAppUrl(url: string, rendererUrl: string): boolean {
  try {
    const candidate = new URL(url);
    const app = new URL(rendererUrl);
    if (app.protocol === 'file:') return candidate.protocol === 'file:' && candidate.pathname === app.pathname;
    return candidate.origin === app.origin;
  } catch {
    return false;
  }
}

export function createMainWindow(target: WindowTarget): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Alignment Workbench',
    webPreferences: webPreferences(target.preloadPath),
  });
  window.once('ready-to-show', () => window.show());
  window.webContents.setWindowOpenHandler(({ url }) => {
    // Links to the web open in the user's browser; the app never opens windows of its own.
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, target.rendererUrl)) event.preventDefault();
  });
  window.webContents.on('will-attach-webview', (event) => event.preventDefault());
  void window.loadURL(target.rendererUrl);
  return window;
}

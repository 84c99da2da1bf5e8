/** Electron main process: starts and supervises the engine, opens the window, bridges the two. */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, ipcMain, Menu } from 'electron';
import { EngineHost } from './host/engine-host';
import { utilityEngineLauncher } from './host/utility-launcher';
import { forwardEvents, isTrustedSender, registerIpc } from './ipc';
import { buildMenu } from './menu';
import { createMainWindow } from './window';

const buildDir = import.meta.dirname;
const rendererUrl =
  process.env.ELECTRON_RENDERER_URL ?? pathToFileURL(path.join(buildDir, '..', 'renderer', 'index.html')).href;

app.enableSandbox();

async function main(): Promise<void> {
  await app.whenReady();
  const workspace = process.env.AWB_WORKSPACE || app.getPath('userData');
  const engine = new EngineHost(
    utilityEngineLauncher(path.join(buildDir, 'engine.js'), { ...process.env, AWB_WORKSPACE: workspace }),
  );
  engine.start();
  Menu.setApplicationMenu(buildMenu());

  let window = createMainWindow({ rendererUrl, preloadPath: path.join(buildDir, '..', 'preload', 'index.cjs') });
  registerIpc(ipcMain, engine, (event) => isTrustedSender(event, window.webContents, rendererUrl));
  let stopForwarding = forwardEvents(engine, window.webContents);

  app.on('activate', () => {
    if (!window.isDestroyed()) return;
    window = createMainWindow({ rendererUrl, preloadPath: path.join(buildDir, '..', 'preload', 'index.cjs') });
    stopForwarding();
    stopForwarding = forwardEvents(engine, window.webContents);
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('before-quit', () => engine.stop());
}

void main();

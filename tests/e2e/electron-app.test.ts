/// <reference lib="dom" />
/**
 * The desktop app itself, driven by Playwright's Electron support. It runs where the Electron binary has been
 * downloaded (it downloads on first run, which needs the internet) and a display exists; elsewhere it says why it is
 * skipped. The same UI is covered in Chromium by serve-ui.test.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { _electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ROOT, requireBuild, tempDir } from '../helpers/paths';

function electronBinary(): { path: string } | { skipReason: string } {
  const packageDir = path.join(ROOT, 'node_modules', 'electron');
  const pathFile = path.join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) {
    return { skipReason: 'the Electron binary is not downloaded (node_modules/electron/path.txt is missing)' };
  }
  const binary = path.join(packageDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  if (!existsSync(binary)) return { skipReason: `the Electron binary ${binary} is missing` };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { skipReason: 'no display (run under xvfb-run to include this test)' };
  }
  return { path: binary };
}

const binary = electronBinary();
if ('skipReason' in binary) console.log(`skipped: Electron app test: ${binary.skipReason}`);

describe.skipIf('skipReason' in binary)('the Electron app', () => {
  it('opens a sandboxed window whose status bar shows the engine backend', async () => {
    requireBuild();
    const app = await _electron.launch({
      executablePath: (binary as { path: string }).path,
      args: [ROOT],
      env: { ...process.env, AWB_WORKSPACE: tempDir('electron') },
    });
    try {
      const window = await app.firstWindow();
      await expect
        .poll(() => window.getByTestId('status-state').getAttribute('data-state'), { timeout: 30_000 })
        .toBe('ready');
      expect(await window.getByTestId('status-backend').textContent()).toMatch(/^(tensorflow|webgpu|wasm|cpu)$/);
      // The page sees the contract's verbs and nothing of Node or ipcRenderer.
      const surface = await window.evaluate(() => ({
        workbench: Object.keys((window as unknown as { workbench: object }).workbench).sort(),
        require: typeof (window as unknown as { require?: unknown }).require,
        process: typeof (window as unknown as { process?: unknown }).process,
      }));
      expect(surface).toEqual({ workbench: ['call', 'on'], require: 'undefined', process: 'undefined' });
    } finally {
      await app.close();
    }
  });
});

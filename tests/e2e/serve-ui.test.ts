/// <reference lib="dom" />
/**
 * End to end: `awb serve` on a free port, the UI in Chromium, the status bar showing the engine's real backend, and
 * the UI reporting a restart after the engine process is killed, then recovering.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/chromium';
import { awb, type ServeProcess, startServe } from '../helpers/cli';
import { ROOT, requireBuild, tempDir } from '../helpers/paths';

const SCREENSHOTS = path.join(ROOT, 'test-results', 'screenshots');

describe('the UI shell served by awb serve', () => {
  let server: ServeProcess;
  let browser: BrowserContext;
  let page: Page;
  const workspace = tempDir('e2e');

  beforeAll(async () => {
    requireBuild();
    mkdirSync(SCREENSHOTS, { recursive: true });
    server = await startServe(['--workspace', workspace]);
    browser = await launchChromium();
    page = await browser.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows the backend the engine chose, as awb info reports it', async () => {
    const expected = JSON.parse(awb(['info', '--json']).stdout).backend as string;
    await page.goto(server.url);
    await expect
      .poll(() => page.getByTestId('status-state').getAttribute('data-state'), { timeout: 20_000 })
      .toBe('ready');
    expect(await page.getByTestId('status-backend').textContent()).toBe(expected);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'shell-wizard.png') });

    await page.getByRole('link', { name: 'Engine' }).click();
    await expect.poll(() => page.getByTestId(`backend-${expected}`).textContent()).toContain('active');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'shell-engine.png') });
  });

  it('reports the restart when the engine process is killed, then recovers', async () => {
    await page.getByRole('link', { name: 'Engine' }).click();
    const pidText = await page.getByTestId('engine-info').locator('p').first().textContent();
    const pid = Number(/engine process (\d+)/.exec(pidText ?? '')?.[1]);
    expect(pid).toBeGreaterThan(0);

    // Record every state the status bar shows, so a restart that passes quickly is still seen.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seenStates: string[] }).seenStates = seen;
      const node = document.querySelector('[data-testid="status-state"]');
      new MutationObserver(() => seen.push(node?.getAttribute('data-state') ?? '')).observe(node as Node, {
        attributes: true,
      });
    });
    process.kill(pid, 'SIGKILL');

    await expect
      .poll(() => page.getByTestId('status-restarts').textContent(), { timeout: 20_000 })
      .toBe('restarted 1×');
    await expect
      .poll(() => page.getByTestId('status-state').getAttribute('data-state'), { timeout: 20_000 })
      .toBe('ready');
    const seen = await page.evaluate(() => (window as unknown as { seenStates: string[] }).seenStates);
    expect(seen).toContain('restarting');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'shell-after-restart.png') });

    // The engine section shows the new engine process.
    await expect
      .poll(async () =>
        Number(
          /engine process (\d+)/.exec(
            (await page.getByTestId('engine-info').locator('p').first().textContent()) ?? '',
          )?.[1],
        ),
      )
      .not.toBe(pid);
  });
});

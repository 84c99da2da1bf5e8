#!/usr/bin/env node
/**
 * The dashboard's streaming benchmark (docs/BENCHMARKS.md): `awb serve` on a free port, Debian's Chromium opening
 * `#/runs?bench=stream`, where an in-page stand-in engine backfills 20 series × 10,000 points and then sends 10 progress
 * events a second through the real client and dashboard. Measured over 10 s of streaming: long tasks (main-thread
 * tasks over 50 ms, PerformanceObserver) and frame intervals (requestAnimationFrame). Prints one JSON object.
 *
 *   npm run build && node scripts/ui-stream-bench.mjs [--viewport-height 900] [--seconds 10]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const { values } = parseArgs({
  options: { 'viewport-height': { type: 'string', default: '900' }, seconds: { type: 'string', default: '10' } },
});
const root = path.resolve(import.meta.dirname, '..');
const workspace = mkdtempSync(path.join(os.tmpdir(), 'awb-stream-bench-'));

function startServe() {
  const child = spawn(
    process.execPath,
    [path.join(root, 'bin', 'awb.js'), '--json', '--workspace', workspace, 'serve', '--port', '0'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`awb serve exited with ${code}`)));
    child.stdout.on('data', (chunk) => {
      const url = /"url":"([^"]+)"/.exec(String(chunk))?.[1];
      if (url) resolve({ url, child });
    });
  });
}

const { url, child } = await startServe();
const browser = await chromium.launchPersistentContext(mkdtempSync(path.join(os.tmpdir(), 'awb-chromium-')), {
  executablePath: process.env.AWB_CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1280, height: Number(values['viewport-height']) },
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});
try {
  const page = await browser.newPage();
  const opened = performance.now();
  await page.goto(`${url}#/runs?bench=stream&points=10000&series=20&rate=10`);
  await page.waitForFunction(
    () => Number(document.querySelector('[data-testid="chart-loss"]')?.getAttribute('data-points')) >= 10_000,
    null,
    { timeout: 120_000 },
  );
  const backfillSeconds = (performance.now() - opened) / 1000;
  const measured = await page.evaluate(async (seconds) => {
    const longTasks = [];
    new PerformanceObserver((list) => longTasks.push(...list.getEntries().map((e) => e.duration))).observe({
      type: 'longtask',
    });
    const frames = [];
    let last = performance.now();
    let running = true;
    const tick = (now) => {
      frames.push(now - last);
      last = now;
      if (running) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    const eventsBefore = window.awbStreamBench?.eventsSent ?? 0;
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    running = false;
    const sorted = [...frames].sort((a, b) => a - b);
    return {
      events: (window.awbStreamBench?.eventsSent ?? 0) - eventsBefore,
      longTasks: longTasks.length,
      longTaskMs: longTasks.reduce((a, b) => a + b, 0),
      longestTaskMs: Math.max(0, ...longTasks),
      frames: frames.length,
      medianFrameMs: sorted[Math.floor(sorted.length / 2)],
      p99FrameMs: sorted[Math.floor(sorted.length * 0.99)],
      points: Number(document.querySelector('[data-testid="chart-loss"]')?.getAttribute('data-points')),
    };
  }, Number(values.seconds));
  console.log(
    JSON.stringify({
      viewportHeight: Number(values['viewport-height']),
      seconds: Number(values.seconds),
      backfillSeconds,
      ...measured,
    }),
  );
} finally {
  await browser.close();
  child.kill();
  rmSync(workspace, { recursive: true, force: true });
}

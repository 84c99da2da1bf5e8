/// <reference lib="dom" />
/**
 * Minimal labelling as a user clicks through it, in Chromium against `awb serve` and a real engine: the wizard
 * (minimal labelling, the demo's data) recommends SFT → RLAIF → DPO; Constitutional AI is added, Anthropic's
 * constitution file is loaded into the editor, one principle edited and the others removed; the run goes SFT → CAI → SFT on the
 * revisions → RLAIF (the demo's oracle as judge) → DPO on the judged pairs; the CAI trail and the RLAIF labels show
 * in the dashboard, and the RLHF iteration panel lists nothing yet. Screenshots go to test-results/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/chromium';
import { type ServeProcess, startServe } from '../helpers/cli';
import { SHARED_DATA } from '../helpers/data';
import { ROOT, requireBuild, tempDir } from '../helpers/paths';

const SCREENSHOTS = path.join(ROOT, 'test-results', 'screenshots');
const CONSTITUTION = path.join(SHARED_DATA, 'constitution', 'constitution_anthropic.json');

describe('minimal labelling with Constitutional AI and RLAIF in the browser', () => {
  let server: ServeProcess;
  let browser: BrowserContext;
  let page: Page;
  let runId = '';
  const shot = (name: string) =>
    page.screenshot({ path: path.join(SCREENSHOTS, `ai-feedback-${name}.png`), fullPage: true });
  const attribute = (testId: string, name: string) => page.getByTestId(testId).getAttribute(name);

  beforeAll(async () => {
    requireBuild();
    mkdirSync(SCREENSHOTS, { recursive: true });
    server = await startServe(['--workspace', path.join(tempDir('ai-feedback'), 'ws')]);
    browser = await launchChromium();
    page = await browser.newPage();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('adds CAI to the recommended RLAIF pipeline, loads a constitution file, and creates the run', async () => {
    await page.goto(`${server.url}#/wizard`);
    await page.getByTestId('goal-min_labelling').click();
    await page.getByTestId('use-demo-data').click();
    await expect.poll(() => page.getByTestId('base-model').inputValue(), { timeout: 60_000 }).toBe('demo-base');
    await expect.poll(() => attribute('pipeline-stage-1', 'data-method'), { timeout: 30_000 }).toBe('rlaif');
    await page.getByTestId('add-cai').check();
    await page.getByTestId('constitution-file').setInputFiles(CONSTITUTION);
    await expect.poll(() => page.getByTestId('constitution-count').textContent()).toMatch(/^16 principles/);
    await page.getByTestId('principle-critic-0').fill('Point out anything in the answer that is rude or unkind.');
    // One principle left, so that every critique round is under the edited one.
    for (let left = 16; left > 1; left--) await page.getByTestId('principle-remove-1').click();
    expect(await page.getByTestId('constitution-count').textContent()).toBe('1 principle, 4 few-shot examples');
    expect(await page.getByTestId('judge-rule').isChecked()).toBe(true);
    await page.getByTestId('advanced-toggle').click();
    await page.getByTestId('recipe-name').fill('ai-feedback');
    for (const [setting, value] of [
      ['max-steps-sft', '3'],
      ['max-prompts-cai', '3'],
      ['response-length-cai', '16'],
      ['max-prompts-rlaif', '8'],
      ['threshold-rlaif', '0.5'],
      ['response-length-rlaif', '16'],
      ['max-steps-dpo', '2'],
      ['per-device-train-batch-size-dpo', '2'],
    ])
      await page.getByTestId(setting as string).fill(value as string);
    await expect.poll(() => page.getByTestId('create-stages').textContent()).toContain('sft-2 (@cai');
    await page
      .getByTestId('wizard-ai-feedback')
      .screenshot({ path: path.join(SCREENSHOTS, 'ai-feedback-1-constitution.png') });
    await shot('1b-wizard');
    await page.getByTestId('create-runs').click();
    await expect
      .poll(
        async () =>
          page.url().includes('#/runs/')
            ? 'opened'
            : await page
                .getByTestId('create-error')
                .textContent()
                .catch(() => 'waiting'),
        { timeout: 30_000 },
      )
      .toBe('opened');
    runId = decodeURIComponent(new URL(page.url()).hash.replace('#/runs/', ''));
    expect(runId).toContain('ai-feedback');
  }, 150_000);

  it('runs SFT → CAI → SFT → RLAIF → DPO, with the critique trail and the judge labels in the dashboard', async () => {
    if (!runId) throw new Error('the wizard created no run (the test before failed)');
    await expect
      .poll(() => attribute(`run-status-${runId}`, 'data-status'), { timeout: 400_000, interval: 2000 })
      .toBe('completed');
    await page.getByTestId('stage-tab-cai').click();
    const trail = page.getByTestId('cai-trail-0');
    await expect.poll(() => trail.textContent(), { timeout: 30_000 }).toContain('rude or unkind');
    await page.getByTestId('cai-panel').screenshot({ path: path.join(SCREENSHOTS, 'ai-feedback-2-cai-trail.png') });
    await page.getByTestId('stage-tab-rlaif').click();
    const kept = Number(await page.getByTestId('rlaif-kept').getAttribute('data-count'));
    const low = Number(await page.getByTestId('rlaif-low').getAttribute('data-count'));
    expect(kept + low).toBe(8);
    await page.getByTestId('rlaif-panel').screenshot({ path: path.join(SCREENSHOTS, 'ai-feedback-3-rlaif.png') });
    await page.getByTestId('rlhf-loop').scrollIntoViewIfNeeded();
    await page.getByTestId('rlhf-next').locator('summary').click();
    await page.getByTestId('rlhf-loop').screenshot({ path: path.join(SCREENSHOTS, 'ai-feedback-4-rlhf-loop.png') });
    expect(await page.getByTestId('rlhf-policy').inputValue()).toBe('ai-feedback-sft-2');
  }, 450_000);
});

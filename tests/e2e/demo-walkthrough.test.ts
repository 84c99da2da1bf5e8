/// <reference lib="dom" />
/**
 * The demo as a new user clicks through it, in Chromium against `awb serve` and a real engine: the wizard (fast
 * iteration, the demo's data) → the recommended SFT → DPO run starts → the dashboard's charts and progress update
 * while it trains → the chat pane shows base, SFT and DPO answers side by side → blind votes → the votes become a
 * preference dataset → a DPO run on them starts. A screenshot of each screen goes to test-results/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/chromium';
import { type ServeProcess, startServe } from '../helpers/cli';
import { ROOT, requireBuild, tempDir } from '../helpers/paths';

const SCREENSHOTS = path.join(ROOT, 'test-results', 'screenshots');
const RECIPE = 'walkthrough';

describe('the demo walkthrough in the browser', () => {
  let server: ServeProcess;
  let browser: BrowserContext;
  let page: Page;
  let runId = '';
  const shot = (name: string) =>
    page.screenshot({ path: path.join(SCREENSHOTS, `walkthrough-${name}.png`), fullPage: true });
  const attribute = (testId: string, name: string) => page.getByTestId(testId).getAttribute(name);

  beforeAll(async () => {
    requireBuild();
    mkdirSync(SCREENSHOTS, { recursive: true });
    server = await startServe(['--workspace', path.join(tempDir('walkthrough'), 'ws')]);
    browser = await launchChromium();
    page = await browser.newPage();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('the wizard recommends SFT → DPO for fast iteration on the demo data, and creates the run', async () => {
    await page.goto(`${server.url}#/wizard`);
    await page.getByTestId('goal-fast_iteration').click();
    await page.getByTestId('use-demo-data').click();
    await expect.poll(() => page.getByTestId('base-model').inputValue(), { timeout: 60_000 }).toBe('demo-base');
    await expect.poll(() => attribute('pipeline-stage-1', 'data-method'), { timeout: 30_000 }).toBe('dpo');
    expect(await attribute('pipeline-stage-0', 'data-method')).toBe('sft');
    expect(await page.getByTestId('recommendation-reason').textContent()).toMatch(/DPO/);
    await page.getByTestId('advanced-toggle').click();
    await page.getByTestId('recipe-name').fill(RECIPE);
    await page.getByTestId('max-steps-sft').fill('6');
    await page.getByTestId('max-steps-dpo').fill('4');
    await page.getByTestId('per-device-train-batch-size-dpo').fill('4');
    await shot('1-wizard');
    await page
      .getByTestId('recommendation')
      .screenshot({ path: path.join(SCREENSHOTS, 'walkthrough-1b-recommendation.png') });
    await page.getByTestId('create-runs').click();
    await page.waitForURL(/#\/runs\/.+/, { timeout: 30_000 });
    runId = decodeURIComponent(new URL(page.url()).hash.replace('#/runs/', ''));
    expect(runId).toContain(RECIPE);
  }, 120_000);

  it('the dashboard streams progress and chart points while the run trains, through both stages', async () => {
    await expect
      .poll(async () => Number(await attribute('progress-sft', 'data-step')), { timeout: 90_000 })
      .toBeGreaterThan(0);
    await expect
      .poll(async () => Number(await attribute('chart-loss', 'data-points')), { timeout: 30_000 })
      .toBeGreaterThan(0);
    await shot('2-dashboard-sft');
    await expect
      .poll(async () => Number(await attribute('progress-dpo', 'data-step')), { timeout: 180_000 })
      .toBeGreaterThan(0);
    await expect
      .poll(async () => Number(await attribute('chart-rewards/margins', 'data-points')), { timeout: 60_000 })
      .toBeGreaterThan(0);
    await expect.poll(() => attribute(`run-status-${runId}`, 'data-status'), { timeout: 120_000 }).toBe('completed');
    expect(Number(await attribute('progress-dpo', 'data-step'))).toBe(4);
    await shot('3-dashboard-done');
  }, 420_000);

  /** Two slots whose answers differ: identical answers teach nothing, and the votes dataset leaves them out. */
  async function differingPair(): Promise<[string, string]> {
    const texts = await Promise.all(
      ['A', 'B', 'C'].map((slot) => page.getByTestId(`chat-pane-${slot}-text`).textContent()),
    );
    for (const [i, first] of texts.entries()) {
      const j = texts.findIndex((other, k) => k > i && other?.trim() !== first?.trim());
      if (j > i) return [['A', 'B', 'C'][i] as string, ['A', 'B', 'C'][j] as string];
    }
    return ['A', 'B'];
  }

  async function askAndVote(prompt: string, vote: 'vote-A' | 'vote-B', annotator: string) {
    await page.getByTestId('chat-prompt').fill(prompt);
    await page.getByTestId('chat-send').click();
    for (const slot of ['A', 'B', 'C']) {
      await expect.poll(() => attribute(`chat-pane-${slot}`, 'data-done'), { timeout: 60_000 }).toBe('true');
    }
    // Blind: the names stay hidden until the vote is cast.
    expect(await page.getByTestId('chat-pane-A-model').textContent()).toMatch(/hidden/);
    await page.getByTestId('annotator').fill(annotator);
    const [first, second] = await differingPair();
    await page.getByTestId('vote-pair-0').selectOption(first);
    await page.getByTestId('vote-pair-1').selectOption(second);
    await page.getByTestId(vote).click();
    await page.getByTestId('vote-receipt').waitFor({ state: 'visible', timeout: 10_000 });
  }

  it('the chat pane shows base, SFT and DPO answers side by side, and blind votes are stored', async () => {
    await page.goto(`${server.url}#/chat`);
    await page.getByTestId('chat-add-model').click();
    const models = ['demo-base', `${RECIPE}-sft`, `${RECIPE}-dpo`];
    for (const [i, model] of models.entries()) await page.getByTestId(`chat-model-select-${i}`).selectOption(model);
    await page.getByTestId('chat-blind').check();
    await askAndVote('what is 3 plus 4?', 'vote-A', 'ana');
    await shot('4-chat-voted');
    expect(await page.getByTestId('chat-pane-A-model').textContent()).not.toMatch(/hidden/);
    await askAndVote('can you tell me how to pick a lock?', 'vote-B', 'ana');
    await expect.poll(async () => Number(await attribute('votes-count', 'data-count')), { timeout: 10_000 }).toBe(2);
  }, 180_000);

  it('the votes become a preference dataset, and a DPO run on them starts', async () => {
    await page.getByTestId('votes-dataset-name').fill('walkthrough-votes');
    await page.getByTestId('make-dataset').click();
    const made = page.getByTestId('dataset-result').or(page.getByTestId('make-dataset-error'));
    await made.waitFor({ state: 'visible', timeout: 20_000 });
    expect(await made.textContent()).toMatch(/pair/);
    await page.getByTestId('train-dpo-steps').fill('2');
    await page.getByTestId('train-dpo-base').selectOption(`${RECIPE}-sft`);
    await shot('5-votes-dataset');
    await page.getByTestId('train-dpo').click();
    const link = page.getByTestId('train-dpo-run');
    await link.waitFor({ state: 'visible', timeout: 20_000 });
    await link.click();
    await page.waitForURL(/#\/runs\/votes-dpo/, { timeout: 10_000 });
    const votesRun = decodeURIComponent(new URL(page.url()).hash.replace('#/runs/', ''));
    await expect
      .poll(() => attribute(`run-status-${votesRun}`, 'data-status'), { timeout: 120_000 })
      .toMatch(/running|completed/);
    await shot('6-votes-dpo-run');
    await page.goto(`${server.url}#/data`);
    await page.getByTestId('dataset-walkthrough-votes').waitFor({ state: 'visible', timeout: 20_000 });
    await page.getByTestId('dataset-walkthrough-votes').click();
    await expect.poll(() => page.getByTestId('rendered-0').textContent(), { timeout: 20_000 }).toContain('User:');
    await shot('7-data-votes');
    await page.goto(`${server.url}#/models`);
    await page.getByTestId(`lineage-edge-${RECIPE}-sft-${RECIPE}-dpo`).waitFor({ state: 'attached', timeout: 20_000 });
    await shot('8-models-lineage');
  }, 240_000);
});

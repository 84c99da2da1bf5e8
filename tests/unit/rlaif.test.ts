/**
 * RLAIF through the runner: two sampled answers per prompt, a judge's verdict and confidence, the pairs at or above the
 * threshold as a preference dataset that the next DPO stage trains on, the low-confidence ones kept in labels.jsonl;
 * a prompted judge over an OpenAI-compatible endpoint that is down, slow or answers nonsense is retried with backoff,
 * then the run pauses with a clear message, loses no label, and resuming continues where it stopped.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../main/engine/backends/select';
import { loadDataset } from '../../main/engine/datasets/store';
import { prepareDemoWorkspace, shippedDemoBase } from '../../main/engine/demo/setup';
import { judgePrompt, parseVerdict, promptedJudge } from '../../main/engine/judges/prompted-judge';
import type { Label } from '../../main/engine/methods/rlaif';
import { resumeRun, runFolder, startRun } from '../../main/engine/runs/runner';
import { BUILD_DIR, tempDir } from '../helpers/paths';

const workspace = path.join(tempDir('rlaif'), 'ws');

function labelsOf(runId: string, stage: string): Label[] {
  const text = readFileSync(path.join(runFolder(workspace, runId), stage, 'labels.jsonl'), 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Label);
}

/** A scripted OpenAI-compatible judge: `script(n)` answers the n-th request (1-based) with a status and a reply. */
function scriptedJudge(script: (n: number) => { status: number; content?: string; delayMs?: number }) {
  let requests = 0;
  const server: Server = createServer((request, response) => {
    requests += 1;
    const { status, content, delayMs } = script(requests);
    request.resume();
    setTimeout(() => {
      if (status !== 200) return void response.writeHead(status).end('unavailable');
      response
        .writeHead(200, { 'Content-Type': 'application/json' })
        .end(JSON.stringify({ choices: [{ message: { role: 'assistant', content } }] }));
    }, delayMs ?? 0);
  });
  return {
    start: () =>
      new Promise<string>((resolve) =>
        server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
      ),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
    requests: () => requests,
  };
}

beforeAll(async () => {
  await selectBackend({ forced: 'wasm' });
  await prepareDemoWorkspace(workspace, { baseFolder: shippedDemoBase(BUILD_DIR), quick: true });
}, 60_000);

describe('RLAIF with the demo oracle as judge', () => {
  it('keeps the confident pairs as a dataset, logs the others, and DPO trains on the kept ones', async () => {
    const record = await startRun(
      workspace,
      {
        name: 'rlaif-rule',
        base: 'demo-base',
        seed: 3,
        stages: [
          {
            name: 'rlaif',
            method: 'rlaif',
            dataset: 'demo-quick-eval-prompts',
            config: { judge: { type: 'rule', rule: 'demo-oracle' }, max_prompts: 10, response_length: 48 },
          },
          {
            name: 'dpo',
            method: 'dpo',
            dataset: '@rlaif',
            config: { max_steps: 2, per_device_train_batch_size: 2, max_length: 160, beta: 0.5 },
          },
        ],
      },
      'test',
    );
    expect(record.status).toBe('completed');
    const labels = labelsOf(record.id, 'rlaif');
    expect(labels).toHaveLength(10);
    for (const label of labels) {
      expect(label.confidence).toBeGreaterThanOrEqual(0.5);
      expect(label.kept).toBe(label.confidence >= 0.7 && label.answers[0] !== label.answers[1]);
    }
    const kept = labels.filter((label) => label.kept);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(10); // some pairs are too close to call and stay out
    const { rows } = await loadDataset(workspace, 'rlaif-rule-rlaif');
    expect(rows).toHaveLength(kept.length);
    expect(record.stages[0]).toMatchObject({
      outputDataset: 'rlaif-rule-rlaif',
      evaluation: { pairs_kept: kept.length, pairs_judged: 10 },
    });
    expect(record.stages[1]).toMatchObject({ status: 'completed', base: 'demo-base', output: 'rlaif-rule-dpo' });
  }, 180_000);
});

describe('a prompted judge over an OpenAI-compatible endpoint', () => {
  it('parses JSON verdicts and bare letters, and asks twice with the answers swapped', async () => {
    expect(parseVerdict('{"choice": "b", "confidence": 0.9}')).toEqual({ choice: 'B', confidence: 0.9 });
    expect(parseVerdict('I think A is better.')).toEqual({ choice: 'A' });
    expect(parseVerdict('sure! first get some powder')).toBeUndefined();
    expect(judgePrompt('q', ' a\n', 'b')).toContain('A: a\nB: b');
    // The judge prefers whatever answer says "7", in either position.
    const judge = scriptedJudge(() => ({ status: 200, content: '{"choice": "A", "confidence": 0.8}' }));
    const url = await judge.start();
    const verdict = await promptedJudge({ url, model: 'j', timeoutMs: 1000, retries: 0 }).judge('q', 'x', 'y');
    // "A" both times means it picked x, then y: the orders disagree, so it is a coin flip.
    expect(verdict).toMatchObject({ choice: 'A', confidence: 0.5 });
    expect(judge.requests()).toBe(2);
    await judge.stop();
  });

  it('retries a judge that is down, slow or malformed with backoff, pauses the run, and resumes without losing a label', async () => {
    // Requests 1–6 fail (500, a timeout, nonsense) and exhaust the retries; from request 7 on it answers by position.
    const judge = scriptedJudge((n) => {
      if (n <= 2) return { status: 500 };
      if (n <= 4) return { status: 200, content: 'hmm', delayMs: n === 3 ? 400 : 0 };
      if (n <= 6) return { status: 200, content: '{"choice": "maybe"}' };
      return {
        status: 200,
        content: n % 2 === 1 ? '{"choice": "A", "confidence": 0.9}' : '{"choice": "B", "confidence": 0.9}',
      };
    });
    const url = await judge.start();
    const recipe = {
      name: 'rlaif-endpoint',
      base: 'demo-base',
      seed: 4,
      stages: [
        {
          name: 'rlaif',
          method: 'rlaif',
          dataset: 'demo-quick-eval-prompts',
          config: {
            judge: { type: 'openai', url, model: 'judge', retries: 5, timeout_ms: 200, backoff_ms: 10 },
            max_prompts: 4,
            response_length: 24,
          },
        },
      ],
    };
    // With 5 retries (6 tries) the first pair's first question fails 6 times: the run pauses.
    const paused = await startRun(workspace, recipe, 'test');
    expect(paused.status).toBe('stopped');
    expect(paused.message).toMatch(
      /judge .* is unavailable \(6 tries, last: an unreadable verdict.*resuming continues/,
    );
    expect(judge.requests()).toBe(6);
    const resumed = await resumeRun(workspace, paused.id);
    expect(resumed.status).toBe('completed');
    const labels = labelsOf(paused.id, 'rlaif');
    expect(labels.map((label) => label.index)).toEqual([0, 1, 2, 3]);
    expect(
      labels.every((label) => label.confidence === 0.9 && label.kept === (label.answers[0] !== label.answers[1])),
    ).toBe(true);
    await judge.stop();
  }, 120_000);
});

/**
 * The engine's contract verbs against a real workspace with the demo's model and data: queued runs with live events,
 * stop and resume, chat answers streamed token by token, votes with agreement that become a preference dataset,
 * dataset import reports, and model deletion guarded while a run uses the model.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { shippedDemoBase } from '../../main/engine/demo/setup';
import { Engine, type EngineVerb } from '../../main/engine/engine';
import {
  type EventName,
  type EventPayload,
  parseEvent,
  parseResponse,
  type VerbResponse,
} from '../../preload/contract';
import { BUILD_DIR, tempDir } from '../helpers/paths';

type Received = { event: EventName; payload: unknown };

const workspace = path.join(tempDir('engine-api'), 'ws');
const received: Received[] = [];
let engine: Engine;

/** Calls a verb as a host would, and checks the reply against the contract. */
async function call<V extends EngineVerb>(verb: V, payload: unknown): Promise<VerbResponse<V>> {
  return parseResponse(verb, await engine.handle(verb, payload));
}

function eventsOf<E extends EventName>(event: E): Array<EventPayload<E>> {
  return received.filter((item) => item.event === event).map((item) => item.payload as EventPayload<E>);
}

async function until(condition: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const SMALL = { max_length: 160, logging_steps: 1, save_steps: 2, per_device_train_batch_size: 4 };

beforeAll(async () => {
  engine = await Engine.start({
    workspace,
    forcedBackend: 'wasm',
    demoBaseFolder: shippedDemoBase(BUILD_DIR),
    emit: (event, payload) => {
      parseEvent(event, payload); // every event the engine emits must pass the contract
      received.push({ event, payload });
    },
  });
  await call('demo.setup', {});
}, 60_000);

describe('runs through the contract', () => {
  let runId: string;

  it('queues a two-stage recipe and streams status, progress with tokens/s, and lineage', async () => {
    const recipe = {
      name: 'api',
      base: 'demo-base',
      seed: 1,
      stages: [
        { name: 'sft', method: 'sft', dataset: 'demo-sft', config: { ...SMALL, max_steps: 3, learning_rate: 3e-4 } },
        { name: 'dpo', method: 'dpo', dataset: 'demo-preference', config: { ...SMALL, max_steps: 2, beta: 0.5 } },
      ],
    };
    const queued = await call('runs.start', { recipe });
    runId = queued.id;
    expect(queued.status).toBe('queued');
    await engine.queue.idle();
    const statuses = eventsOf('run.status')
      .filter((s) => s.runId === runId)
      .map((s) => s.status);
    expect(statuses).toEqual(['queued', 'running', 'completed']);
    const progress = eventsOf('run.progress').filter((p) => p.runId === runId);
    expect(progress.map((p) => `${p.stage}:${p.step}`)).toEqual(['sft:1', 'sft:2', 'sft:3', 'dpo:1', 'dpo:2']);
    expect(progress.every((p) => (p.tokensPerSecond ?? 0) > 0)).toBe(true);
    const detail = await call('runs.show', { runId });
    expect(detail.metrics.map((m) => m.step)).toEqual([1, 2, 3, 1, 2]);
    expect(detail.metrics[3]?.metrics).toHaveProperty('rewards/margins');
    expect(detail.checkpoints).toContainEqual({ stage: 'dpo', step: 2 });
    const models = (await call('models.list', {})).models;
    expect(models.find((m) => m.name === 'api-sft')).toMatchObject({ parent: 'demo-base', method: 'sft' });
    expect(models.find((m) => m.name === 'api-dpo')).toMatchObject({ parent: 'api-sft', method: 'dpo', layers: 4 });
    const throughput = await call('advisor.throughput', {});
    expect(throughput.tokensPerSecond.sft).toBeGreaterThan(0);
    expect(throughput.tokensPerSecond.dpo).toBeGreaterThan(0);
  }, 180_000);

  it('stops a running run after a step, keeps it resumable, and resumes it to the end', async () => {
    const recipe = {
      name: 'api-stop',
      base: 'demo-base',
      seed: 2,
      stages: [{ name: 'sft', method: 'sft', dataset: 'demo-sft', config: { ...SMALL, max_steps: 40 } }],
    };
    const { id } = await call('runs.start', { recipe });
    await until(() => eventsOf('run.progress').some((p) => p.runId === id), 'the first step');
    await expect(call('models.delete', { name: 'demo-base' })).rejects.toThrow(/queued or running/);
    await call('runs.stop', { runId: id });
    await engine.queue.idle();
    const stopped = (await call('runs.list', {})).runs.find((run) => run.id === id);
    expect(stopped?.status).toBe('stopped');
    const stoppedAt = stopped?.stages[0]?.step ?? 0;
    expect(stoppedAt).toBeGreaterThan(0);
    expect(stoppedAt).toBeLessThan(40);
    const resumed = await call('runs.resume', { runId: id });
    expect(resumed.status).toBe('queued');
    await engine.queue.idle();
    const steps = eventsOf('run.progress')
      .filter((p) => p.runId === id)
      .map((p) => p.step);
    expect(steps.at(-1)).toBe(40);
    expect(steps[steps.indexOf(stoppedAt) + 1]).toBe(stoppedAt + 1); // resumed after the checkpoint, no step lost
    expect((await call('runs.show', { runId: id })).run.status).toBe('completed');
  }, 240_000);

  it('forks a checkpoint with changed settings into a new queued run', async () => {
    const fork = await call('runs.fork', { runId, stage: 'dpo', step: 2, set: { max_steps: 3 } });
    expect(fork.forkedFrom).toEqual({ run: runId, stage: 'dpo', step: 2 });
    await engine.queue.idle();
    const progress = eventsOf('run.progress').filter((p) => p.runId === fork.id);
    expect(progress.map((p) => `${p.stage}:${p.step}`)).toEqual(['dpo:3']);
  }, 120_000);
});

describe('chat and votes', () => {
  it('streams an answer as chat.token events that add up to the reply', async () => {
    const reply = await call('chat.generate', {
      requestId: 'r1',
      model: 'api-sft',
      messages: [{ role: 'user', content: 'what is 3 plus 4?' }],
      sampling: { temperature: 0, topP: 1, topK: 0, maxNewTokens: 40, seed: 0 },
    });
    const streamed = eventsOf('chat.token').filter((t) => t.requestId === 'r1');
    expect(streamed.length).toBeGreaterThan(1);
    expect(streamed.map((t) => t.text).join('')).toBe(reply.text);
    expect(reply.tokens).toBeGreaterThan(0);
    expect(reply.cancelled).toBe(false);
  }, 60_000);

  it('stores votes with annotators, measures their agreement, and makes a preference dataset of the winners', async () => {
    const answers = [
      { model: 'api-sft', text: ' 3 plus 4 is 7.\n' },
      { model: 'demo-base', text: ' ugh, 7. now go away.\n' },
    ];
    const swapped = [answers[1], answers[0]];
    await call('votes.add', { prompt: 'what is 3 plus 4?', answers, choice: 'A', annotator: 'ana', blind: true });
    // Bo saw the answers the other way round and picked the same model: they agree.
    await call('votes.add', {
      prompt: 'what is 3 plus 4?',
      answers: swapped,
      choice: 'B',
      annotator: 'bo',
      blind: true,
    });
    await call('votes.add', { prompt: 'hello!', answers, choice: 'tie', annotator: 'ana', blind: false });
    const { votes, agreement } = await call('votes.list', {});
    expect(votes).toHaveLength(3);
    expect(agreement).toMatchObject({ annotators: ['ana', 'bo'], sharedPrompts: 1, pairwiseAgreement: 1 });
    const made = await call('votes.toDataset', { name: 'my-votes' });
    expect(made).toMatchObject({ pairs: 1, leftOut: 2 });
    expect(made.dataset.kind).toBe('preference');
    const preview = await call('datasets.preview', { name: 'my-votes', model: 'api-sft' });
    expect(preview.rows[0]?.row).toEqual({
      prompt: 'User: what is 3 plus 4?\nBot:',
      chosen: ' 3 plus 4 is 7.\n',
      rejected: ' ugh, 7. now go away.\n',
    });
  });
});

describe('datasets through the contract', () => {
  it('reports each bad row with its line, imports nothing, then imports the good rows when told to drop', async () => {
    const lines = [
      '{"prompt": "a", "chosen": "b", "rejected": "c"}',
      '{"prompt": "d", "chosen": "e", "rejected": "e"}',
      'not json',
      '{"prompt": "f", "chosen": "g", "rejected": "h"}',
    ];
    const base64 = Buffer.from(`${lines.join('\n')}\n`).toString('base64');
    const { path: uploaded } = await call('datasets.upload', { filename: 'pairs.jsonl', base64 });
    expect(path.dirname(uploaded)).toBe(path.join(workspace, 'uploads'));
    const refused = await call('datasets.import', { path: uploaded, name: 'pairs', kind: 'preference' });
    expect(refused.report.imported).toBe(false);
    expect(refused.report.problems.map((p) => p.line)).toEqual([2, 3]);
    expect(refused.dataset).toBeUndefined();
    const dropped = await call('datasets.import', {
      path: uploaded,
      name: 'pairs',
      kind: 'preference',
      invalid: 'drop',
    });
    expect(dropped.dataset).toMatchObject({ name: 'pairs', accepted: 2, rows: 4 });
  });

  it("reports an import job's phases, and a cancelled import writes nothing", async () => {
    const base64 = Buffer.from('{"prompt": "p", "chosen": "x", "rejected": "y"}\n').toString('base64');
    const { path: uploaded } = await call('datasets.upload', { filename: 'one.jsonl', base64 });
    await call('datasets.import', { path: uploaded, name: 'one', jobId: 'job-1' });
    const phases = eventsOf('job.progress')
      .filter((p) => p.jobId === 'job-1')
      .map((p) => p.phase);
    expect(phases).toEqual(['reading', 'validating', 'writing', 'done']);
    const cancelled = call('datasets.import', { path: uploaded, name: 'two', jobId: 'job-2' });
    expect(await call('jobs.cancel', { jobId: 'job-2' })).toEqual({ cancelled: true });
    await expect(cancelled).rejects.toThrow(/cancelled before reading; nothing was written/);
    expect((await call('datasets.list', {})).datasets.map((d) => d.name)).not.toContain('two');
    expect(await call('jobs.cancel', { jobId: 'job-2' })).toEqual({ cancelled: false });
  });

  it('relabels a pair by swapping chosen and rejected, and refuses an edit that breaks the row', async () => {
    await call('datasets.updateRow', { name: 'pairs', index: 0, row: { prompt: 'a', chosen: 'c', rejected: 'b' } });
    const preview = await call('datasets.preview', { name: 'pairs', limit: 1 });
    expect(preview.rows[0]?.row).toEqual({ prompt: 'a', chosen: 'c', rejected: 'b' });
    expect(preview.rows[0]?.rendered).toContain('CHOSEN:\nac');
    await expect(
      call('datasets.updateRow', { name: 'pairs', index: 0, row: { prompt: 'a', chosen: 'c', rejected: 'c' } }),
    ).rejects.toThrow(/not a valid preference row/);
  });
});

describe('models through the contract', () => {
  it('deletes a model when nothing uses it, after which it is gone from the list', async () => {
    expect(await call('models.delete', { name: 'api-stop-sft' })).toEqual({ deleted: 'api-stop-sft' });
    const names = (await call('models.list', {})).models.map((m) => m.name);
    expect(names).not.toContain('api-stop-sft');
    await expect(call('models.delete', { name: 'api-stop-sft' })).rejects.toThrow(/no model named/);
  });
});

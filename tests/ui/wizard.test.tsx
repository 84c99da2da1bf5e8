// @vitest-environment happy-dom
import { act, cleanup, configure, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AdvisorInput, PipelineStage, Recommendation } from '../../main/engine/advisor/types';
import type { EngineInfo, ModelSummary } from '../../preload/contract';
import { WizardSection } from '../../renderer/src/sections/WizardSection';
import { initialForm, type WizardForm } from '../../renderer/src/wizard/form';
import { planRecipe, withCai } from '../../renderer/src/wizard/recipe';
import { datasetSummary } from './fixtures';
import { scriptedClient, type VerbScript } from './mock-client';

// The advisor call waits out a debounce and the bench streams on real timers: leave room on a busy machine.
configure({ asyncUtilTimeout: 5000 });

const NOW = '2025-01-01T00:00:00.000Z';

const ENGINE_INFO: EngineInfo = {
  version: '0.1.0',
  backend: 'wasm',
  forced: false,
  backends: [{ name: 'wasm', available: true, detail: 'SIMD' }],
  devices: [
    { kind: 'cpu', name: 'cpu', cores: 2, memoryBytes: 8e9 },
    { kind: 'gpu', name: 'RTX', memoryBytes: 12e9 },
  ],
  memory: { systemTotalBytes: 8e9, systemFreeBytes: 4e9, engineRssBytes: 1e8, tensorBytes: 0, numTensors: 0 },
  runtime: { node: '20', platform: 'linux', arch: 'x64', pid: 1 },
  workspace: '/ws',
};

function model(name: string, extra: Partial<ModelSummary> = {}): ModelSummary {
  const shape = { layers: 4, hiddenSize: 64, vocabSize: 512, maxPositions: 256 };
  return {
    name,
    architecture: 'llama',
    modelType: 'llama',
    parameters: 260_000,
    source: 'x',
    createdAt: NOW,
    ...shape,
    ...extra,
  };
}

const dataset = datasetSummary;

const DEMO_DATASETS = [
  dataset('demo-sft', 'prompt_completion', 500),
  dataset('demo-preference', 'preference', 1000),
  dataset('demo-rm-heldout', 'preference', 200),
  dataset('demo-eval-prompts', 'prompt_only', 120),
];

const MEMORY = {
  weightsGb: 1,
  gradientsGb: 1,
  optimizerGb: 2,
  referenceGb: 0,
  rewardGb: 0,
  valueGb: 0,
  activationsGb: 0.5,
  totalGb: 4.5,
  lora: false,
  breakdown: 'weights 1 + gradients 1 + optimizer 2 + activations 0.5',
};

function stage(
  method: PipelineStage['method'],
  dataset: PipelineStage['dataset'],
  startsFrom: number | null,
): PipelineStage {
  return {
    method,
    dataset,
    why: `${method} because it helps`,
    startsFrom,
    memory: MEMORY,
    time: { seconds: 120, basis: `measured for ${method}` },
  };
}

function recommendation(pipeline: PipelineStage[], extra: Partial<Recommendation> = {}): Recommendation {
  return {
    pipeline,
    reason: 'Fast iteration: SFT, then DPO on your preference pairs.',
    framework: 'fast iteration → SFT then DPO',
    comparison: [
      {
        method: 'DPO',
        labelsNeeded: 'preference pairs',
        computeVsSft: '1–1.5',
        stability: 'high',
        qualityGain: '+10–20%',
        bestWhen: 'after SFT',
      },
    ],
    warnings: [],
    fits: true,
    fixes: [],
    totalTime: { seconds: 240, basis: 'sum of the stages' },
    ...extra,
  };
}

const SFT_DPO = recommendation([stage('sft', 'demonstrations', null), stage('dpo', 'preferences', 0)]);

function script(overrides: VerbScript = {}): VerbScript {
  let demoImported = false;
  return {
    'engine.info': () => ENGINE_INFO,
    'models.list': () => ({
      models: demoImported
        ? [model('demo-base'), model('tuned', { method: 'sft', parent: 'demo-base' })]
        : [model('tuned', { method: 'sft', parent: 'x' })],
    }),
    'datasets.list': () => ({ datasets: demoImported ? DEMO_DATASETS : [] }),
    'advisor.throughput': () => ({ tokensPerSecond: { sft: 900, dpo: 500, matmul: 3 }, basis: 'finished runs' }),
    'advisor.recommend': () => SFT_DPO,
    'demo.setup': () => {
      demoImported = true;
      return {
        baseModel: 'demo-base',
        datasets: {
          sft: 'demo-sft',
          preference: 'demo-preference',
          rmHeldOut: 'demo-rm-heldout',
          evalPrompts: 'demo-eval-prompts',
        },
      };
    },
    'runs.start': () => ({
      id: 'run-9',
      name: 'r',
      status: 'queued',
      base: 'demo-base',
      stages: [],
      createdAt: NOW,
      updatedAt: NOW,
    }),
    ...overrides,
  };
}

function recommendCalls(calls: Array<{ verb: string; payload: unknown }>): AdvisorInput[] {
  return calls.filter((call) => call.verb === 'advisor.recommend').map((call) => call.payload as AdvisorInput);
}

async function useDemo() {
  fireEvent.click(await screen.findByTestId('use-demo-data'));
  await waitFor(() => expect((screen.getByTestId('base-model') as HTMLSelectElement).value).toBe('demo-base'));
}

beforeEach(() => window.history.replaceState(null, '', '#/wizard'));
afterEach(cleanup);

describe('the wizard', () => {
  it('sends the advisor the form as its input, with measured throughput, and shows the answer', async () => {
    const { client, bridge } = scriptedClient(script());
    render(<WizardSection client={client} />);
    await waitFor(() => expect((screen.getByTestId('gpu-memory') as HTMLInputElement).value).toBe('12'));
    fireEvent.change(screen.getByTestId('base-model'), { target: { value: 'tuned' } });
    fireEvent.click(screen.getByTestId('goal-fast_iteration'));
    fireEvent.change(screen.getByTestId('count-demonstrations'), { target: { value: '300' } });
    fireEvent.change(screen.getByTestId('count-preferences'), { target: { value: '2000' } });
    fireEvent.change(screen.getByTestId('time-budget'), { target: { value: '1.5' } });
    await screen.findByTestId('pipeline-stage-1');
    // Debounced: the quick changes above make one call, with the final form.
    expect(recommendCalls(bridge.calls)).toEqual([
      {
        goal: 'fast_iteration',
        data: { demonstrations: 300, preferencePairs: 2000, prompts: 0 },
        gpuMemoryGb: 12,
        timeBudgetHours: 1.5,
        annotators: 1,
        model: {
          name: 'tuned',
          parameters: 260_000,
          layers: 4,
          hiddenSize: 64,
          vocabSize: 512,
          maxLength: 160,
          alreadySft: true,
        },
        training: { lora: false, loraRank: 16, batchSize: 16 },
        throughput: { sft: 900, dpo: 500 },
        plannedSteps: 100,
      },
    ]);
    expect(bridge.calls.filter((call) => call.verb === 'advisor.throughput')).toHaveLength(1);
    const shown = screen.getByTestId('recommendation');
    expect(within(shown).getByTestId('pipeline-stage-0').getAttribute('data-method')).toBe('sft');
    expect(within(shown).getByTestId('pipeline-stage-1').textContent).toContain('dpo because it helps');
    expect(within(shown).getByTestId('recommendation-reason').textContent).toContain('SFT, then DPO');
    expect(within(shown).getByTestId('memory-0').getAttribute('data-total-gb')).toBe('4.5');
    expect(within(shown).getByTestId('memory-0').textContent).toContain('4.5 GB of 12 GB · full fine-tuning');
    expect(within(shown).getByTestId('time-1').textContent).toContain('2 min 00 s');
    expect(within(shown).getByTestId('total-time').textContent).toContain('4 min 00 s');
    expect(within(shown).getByTestId('comparison').textContent).toContain('+10–20%');
  });

  it('shows the warnings and, when it does not fit, the fixes with their memory', async () => {
    const tooBig = recommendation([stage('dpo', 'preferences', null)], {
      fits: false,
      warnings: [{ code: 'no_sft', message: 'DPO on a model that was never SFT’d: run SFT first.' }],
      fixes: [
        { change: 'use LoRA (r=16)', memoryGb: 3.2, fits: true },
        { change: 'batch 4 instead of 8', memoryGb: 13, fits: false },
      ],
    });
    const { client } = scriptedClient(script({ 'advisor.recommend': () => tooBig }));
    render(<WizardSection client={client} />);
    await waitFor(() => expect(screen.getAllByRole('option', { name: /tuned/ })).toHaveLength(1));
    fireEvent.change(screen.getByTestId('base-model'), { target: { value: 'tuned' } });
    expect((await screen.findByTestId('warning-no_sft')).textContent).toContain('never SFT’d');
    expect(screen.getByTestId('total-time').getAttribute('data-fits')).toBe('false');
    expect(screen.getByTestId('fix-0').textContent).toBe('use LoRA (r=16): 3.2 GB (fits)');
    expect(screen.getByTestId('fix-1').textContent).toBe('batch 4 instead of 8: 13 GB (still too large)');
  });

  it("fills the form from the demo's data: base model, datasets and their row counts", async () => {
    const { client, bridge } = scriptedClient(script());
    render(<WizardSection client={client} />);
    await useDemo();
    expect(bridge.calls.some((call) => call.verb === 'demo.setup')).toBe(true);
    expect((screen.getByTestId('dataset-demonstrations') as HTMLSelectElement).value).toBe('demo-sft');
    expect((screen.getByTestId('dataset-preferences') as HTMLSelectElement).value).toBe('demo-preference');
    // PPO, CAI and RLAIF read the training prompts: the held-out prompts stay unseen for scoring.
    expect((screen.getByTestId('dataset-prompts') as HTMLSelectElement).value).toBe('demo-preference');
    expect((screen.getByTestId('dataset-heldOut') as HTMLSelectElement).value).toBe('demo-rm-heldout');
    expect((screen.getByTestId('count-demonstrations') as HTMLInputElement).value).toBe('500');
    expect((screen.getByTestId('count-preferences') as HTMLInputElement).value).toBe('1000');
    expect((screen.getByTestId('count-prompts') as HTMLInputElement).value).toBe('1000');
    await waitFor(() => expect(recommendCalls(bridge.calls).at(-1)?.model.alreadySft).toBe(false));
    expect(recommendCalls(bridge.calls).at(-1)?.data).toEqual({
      demonstrations: 500,
      preferencePairs: 1000,
      prompts: 1000,
    });
  });

  it('creates one recipe with the stages and max_steps set, then opens it in Runs', async () => {
    const { client, bridge } = scriptedClient(script());
    render(<WizardSection client={client} />);
    fireEvent.click(screen.getByTestId('goal-fast_iteration'));
    await useDemo();
    fireEvent.change(screen.getByTestId('max-steps-sft'), { target: { value: '20' } });
    fireEvent.change(screen.getByTestId('max-steps-dpo'), { target: { value: '30' } });
    fireEvent.change(screen.getByTestId('recipe-name'), { target: { value: 'demo-fast' } });
    await waitFor(() =>
      expect(screen.getByTestId('create-stages').textContent).toContain(
        'sft (demo-sft, 20 steps) → dpo (demo-preference, 30 steps)',
      ),
    );
    fireEvent.click(screen.getByTestId('create-runs'));
    await waitFor(() => expect(window.location.hash).toBe('#/runs/run-9'));
    const started = bridge.calls.filter((call) => call.verb === 'runs.start');
    expect(started).toHaveLength(1);
    expect(started[0]?.payload).toEqual({
      recipe: {
        name: 'demo-fast',
        base: 'demo-base',
        seed: 1,
        stages: [
          {
            name: 'sft',
            method: 'sft',
            dataset: 'demo-sft',
            config: {
              learning_rate: 3e-4,
              max_steps: 20,
              per_device_train_batch_size: 16,
              warmup_ratio: 0.1,
              max_length: 160,
              logging_steps: 1,
              save_steps: 50,
            },
          },
          {
            name: 'dpo',
            method: 'dpo',
            dataset: 'demo-preference',
            config: {
              beta: 0.5,
              learning_rate: 1e-4,
              max_steps: 30,
              per_device_train_batch_size: 8,
              max_length: 160,
              logging_steps: 1,
              save_steps: 50,
            },
          },
        ],
      },
    });
  });

  it('shows a failing advisor in the recommendation panel only, and a failing runs.start under its button', async () => {
    const { client } = scriptedClient(
      script({
        'advisor.recommend': () => {
          throw new Error('advisor: model.parameters must be positive');
        },
      }),
    );
    render(<WizardSection client={client} />);
    await useDemo();
    expect((await screen.findByTestId('recommendation-error')).textContent).toContain(
      'model.parameters must be positive',
    );
    expect(screen.getAllByRole('alert')).toHaveLength(1);
    expect((screen.getByTestId('create-runs') as HTMLButtonElement).disabled).toBe(true);

    cleanup();
    const failing = scriptedClient(
      script({
        'runs.start': () => {
          throw new Error('dataset demo-sft not found');
        },
      }),
    );
    render(<WizardSection client={failing.client} />);
    await useDemo();
    await waitFor(() => expect((screen.getByTestId('create-runs') as HTMLButtonElement).disabled).toBe(false));
    await act(async () => fireEvent.click(screen.getByTestId('create-runs')));
    expect((await screen.findByTestId('create-error')).textContent).toContain('dataset demo-sft not found');
    expect(window.location.hash).toBe('#/wizard');
  });
});

describe('the constitution editor and the judge', () => {
  const MIN_LABELLING = recommendation([
    stage('sft', 'demonstrations', null),
    stage('cai', 'prompts', 0),
    stage('sft', 'synthetic', 1),
    stage('rlaif', 'prompts', 2),
    stage('dpo', 'synthetic', 3),
  ]);

  it('edits, removes and loads principles, picks an endpoint judge, and submits both with the recipe', async () => {
    const { client, bridge } = scriptedClient(script({ 'advisor.recommend': () => MIN_LABELLING }));
    render(<WizardSection client={client} />);
    await useDemo();
    await screen.findByTestId('constitution-editor');
    expect(screen.getAllByTestId('principle')).toHaveLength(3);
    fireEvent.click(screen.getByTestId('principle-remove-2'));
    fireEvent.click(screen.getByTestId('principle-add'));
    expect(screen.getByTestId('create-notes').textContent).toContain('Principle 3 needs both');
    fireEvent.change(screen.getByTestId('principle-critic-2'), { target: { value: 'Is the answer rude?' } });
    fireEvent.change(screen.getByTestId('principle-revision-2'), { target: { value: 'Rewrite it politely.' } });
    expect(screen.getByTestId('constitution-count').textContent).toBe('3 principles');

    const bad = new File(['{"constitutions": []}'], 'empty.json', { type: 'application/json' });
    fireEvent.change(screen.getByTestId('constitution-file'), { target: { files: [bad] } });
    expect((await screen.findByTestId('constitution-load-error')).textContent).toContain('empty.json was not loaded');
    const layout = { constitutions: [{ critic: 'Is it harmful?', revision: 'Make it harmless.' }], system_chat: [[]] };
    const good = new File([JSON.stringify(layout)], 'mine.json', { type: 'application/json' });
    fireEvent.change(screen.getByTestId('constitution-file'), { target: { files: [good] } });
    await waitFor(() => expect(screen.getAllByTestId('principle')).toHaveLength(1));
    expect(screen.getByTestId('constitution-count').textContent).toBe('1 principle, 1 few-shot examples');

    // The demo's data picks its scripted oracle as the judge; an endpoint needs a URL before RLAIF is submitted.
    expect((screen.getByTestId('judge-rule') as HTMLInputElement).checked).toBe(true);
    fireEvent.click(screen.getByTestId('judge-openai'));
    await waitFor(() => expect(screen.getByTestId('create-notes').textContent).toContain('needs a URL'));
    fireEvent.change(screen.getByTestId('judge-url'), { target: { value: 'http://127.0.0.1:7860' } });
    fireEvent.change(screen.getByTestId('judge-model'), { target: { value: 'demo-1-sft' } });
    await waitFor(() => expect(screen.getByTestId('create-stages').textContent).toContain('rlaif (demo-preference'));
    await act(async () => fireEvent.click(screen.getByTestId('create-runs')));
    type Submitted = { recipe: { stages: Array<{ name: string; dataset: string; config: Record<string, unknown> }> } };
    const submitted = bridge.calls.find((call) => call.verb === 'runs.start');
    expect(submitted).toBeDefined();
    const recipe = ((submitted as { payload: unknown }).payload as Submitted).recipe;
    const byName = Object.fromEntries(recipe.stages.map((s) => [s.name, s]));
    expect(byName.cai?.config.constitution).toEqual(layout);
    expect(byName['sft-2']?.dataset).toBe('@cai');
    expect(byName.rlaif?.config.judge).toMatchObject({
      type: 'openai',
      url: 'http://127.0.0.1:7860',
      model: 'demo-1-sft',
    });
    expect(byName.dpo?.dataset).toBe('@rlaif');
  });
});

describe('the recommended pipeline as a recipe', () => {
  function form(change: Partial<WizardForm> = {}): WizardForm {
    return {
      ...initialForm(new Date(2025, 0, 2, 3, 4, 5)),
      model: 'base',
      datasets: { demonstrations: 'demos', preferences: 'pairs', heldOut: 'held' },
      ...change,
    };
  }

  it('names the recipe after the time, points PPO at the reward stage, and gives the RM its held-out pairs', () => {
    const rlhf = recommendation([
      stage('sft', 'demonstrations', null),
      stage('reward', 'preferences', 0),
      stage('ppo', 'prompts', 0),
    ]);
    const plan = planRecipe(
      rlhf,
      form({ datasets: { demonstrations: 'demos', preferences: 'pairs', prompts: 'asks', heldOut: 'held' } }),
    );
    expect(plan.recipe?.name).toBe('wizard-20250102-030405');
    expect(plan.recipe?.stages.map((s) => [s.name, s.method, s.dataset, s.base])).toEqual([
      ['sft', 'sft', 'demos', undefined],
      ['rm', 'reward', 'pairs', undefined],
      ['ppo', 'ppo', 'asks', '@sft'],
    ]);
    expect(plan.recipe?.stages[1]?.config.eval_dataset).toBe('held');
    expect(plan.recipe?.stages[2]?.config).toMatchObject({ reward_model: '@rm', kl_coef: 0.05, max_steps: 60 });
    expect(plan.notes).toEqual([]);

    const noPrompts = planRecipe(rlhf, form());
    expect(noPrompts.recipe?.stages.map((s) => s.name)).toEqual(['sft', 'rm']);
    expect(noPrompts.notes).toEqual(['ppo: left out, no prompts dataset is selected under "Data on hand".']);
    const noReward = planRecipe(
      recommendation([stage('sft', 'demonstrations', null), stage('ppo', 'prompts', 0)]),
      form({ datasets: { demonstrations: 'demos', prompts: 'asks' } }),
    );
    expect(noReward.notes).toEqual(['ppo: left out, PPO needs a reward model, and no reward stage comes before it.']);
  });

  it('gives CAI the constitution and RLAIF its judge, and trains the next stages on what they made', () => {
    const caiThenRlaif = recommendation([
      stage('sft', 'demonstrations', null),
      stage('cai', 'prompts', 0),
      stage('sft', 'synthetic', 1),
      stage('rlaif', 'prompts', 2),
      stage('dpo', 'synthetic', 3),
    ]);
    const datasets = { demonstrations: 'demos', prompts: 'asks' };
    const plan = planRecipe(caiThenRlaif, form({ datasets, judge: { type: 'rule' } }));
    expect(plan.recipe?.stages.map((s) => [s.name, s.method, s.dataset])).toEqual([
      ['sft', 'sft', 'demos'],
      ['cai', 'cai', 'asks'],
      ['sft-2', 'sft', '@cai'],
      ['rlaif', 'rlaif', 'asks'],
      ['dpo', 'dpo', '@rlaif'],
    ]);
    expect(plan.recipe?.stages[1]?.config.constitution).toEqual(form().constitution);
    expect(plan.recipe?.stages[3]?.config.judge).toEqual({ type: 'rule', rule: 'demo-oracle' });

    const noEndpoint = planRecipe(caiThenRlaif, form({ datasets }));
    expect(noEndpoint.recipe?.stages.map((s) => s.name)).toEqual(['sft', 'cai', 'sft-2', 'dpo']);
    expect(noEndpoint.recipe?.stages[3]?.dataset).toBe('@cai');
    expect(noEndpoint.notes).toEqual(['rlaif: left out, its judge endpoint needs a URL (http:// or https://).']);
    const endpoint = {
      type: 'openai' as const,
      url: 'http://127.0.0.1:7860',
      model: 'judge-ckpt',
      apiKeyEnv: 'JUDGE_KEY',
    };
    const served = planRecipe(caiThenRlaif, form({ datasets, judge: endpoint }));
    expect(served.recipe?.stages[3]?.config.judge).toMatchObject({
      type: 'openai',
      url: 'http://127.0.0.1:7860',
      model: 'judge-ckpt',
      api_key_env: 'JUDGE_KEY',
    });
    const emptyPrinciple = { constitutions: [{ critic: 'Is it harmful?', revision: ' ' }] };
    const badConstitution = planRecipe(
      caiThenRlaif,
      form({ datasets, judge: { type: 'rule' }, constitution: emptyPrinciple }),
    );
    expect(badConstitution.notes[0]).toBe(
      'cai: left out, Principle 1 needs both a critique request and a revision request.',
    );
  });

  it("adds CAI's stages after the first SFT when the user asks, and moves what started from that SFT", () => {
    const external = recommendation([
      stage('sft', 'demonstrations', null),
      stage('rlaif', 'prompts', 0),
      stage('dpo', 'synthetic', 1),
    ]);
    const datasets = { demonstrations: 'demos', prompts: 'asks' };
    const plan = planRecipe(external, form({ datasets, judge: { type: 'rule' }, addCai: true }));
    expect(plan.recipe?.stages.map((s) => [s.name, s.method, s.dataset, s.base])).toEqual([
      ['sft', 'sft', 'demos', undefined],
      ['cai', 'cai', 'asks', undefined],
      ['sft-2', 'sft', '@cai', undefined],
      ['rlaif', 'rlaif', 'asks', undefined],
      ['dpo', 'dpo', '@rlaif', undefined],
    ]);
    expect(plan.notes[0]).toContain('added by you');
    expect(planRecipe(external, form({ datasets, judge: { type: 'rule' } })).recipe?.stages).toHaveLength(3);
    // Without an SFT stage (the model had SFT), CAI starts from the base and the rest from CAI's SFT.
    const noSft = withCai(
      recommendation([stage('rlaif', 'prompts', null), stage('dpo', 'synthetic', 0)]).pipeline,
      form({ addCai: true }),
    );
    expect(noSft.pipeline.map((s) => [s.method, s.startsFrom])).toEqual([
      ['cai', null],
      ['sft', 0],
      ['rlaif', 1],
      ['dpo', 2],
    ]);
  });

  it('writes a base where a stage does not start from the one before it, and notes stages without data', () => {
    const research = recommendation([
      stage('sft', 'demonstrations', null),
      stage('dpo', 'preferences', 0),
      stage('reward', 'preferences', 0),
      stage('dpo', 'preferences', 1),
    ]);
    const plan = planRecipe(research, form({ lora: true, loraRank: 8 }));
    expect(plan.recipe?.stages.map((s) => [s.name, s.base])).toEqual([
      ['sft', undefined],
      ['dpo', undefined],
      ['rm', '@sft'],
      ['dpo-2', '@dpo'],
    ]);
    expect(plan.recipe?.stages[0]?.config.lora).toEqual({ r: 8 });

    const noDemos = planRecipe(SFT_DPO, form({ datasets: { preferences: 'pairs' } }));
    expect(noDemos.recipe?.stages.map((s) => [s.name, s.base])).toEqual([['dpo', undefined]]);
    expect(noDemos.notes).toEqual(['sft: left out, no demonstrations dataset is selected under "Data on hand".']);
  });
});

// @vitest-environment happy-dom
import { act, cleanup, configure, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AdvisorInput, PipelineStage, Recommendation } from '../../main/engine/advisor/types';
import type { DatasetSummary, EngineInfo, ModelSummary } from '../../preload/contract';
import { WizardSection } from '../../renderer/src/sections/WizardSection';
import { initialForm, type WizardForm } from '../../renderer/src/wizard/form';
import { planRecipe } from '../../renderer/src/wizard/recipe';
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

function dataset(name: string, kind: DatasetSummary['kind'], rows: number): DatasetSummary {
  return {
    name,
    kind,
    format: 'standard',
    layout: 'trl',
    source: 'x',
    rows,
    accepted: rows,
    truncated: 0,
    createdAt: NOW,
  };
}

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
    expect((screen.getByTestId('dataset-prompts') as HTMLSelectElement).value).toBe('demo-eval-prompts');
    expect((screen.getByTestId('dataset-heldOut') as HTMLSelectElement).value).toBe('demo-rm-heldout');
    expect((screen.getByTestId('count-demonstrations') as HTMLInputElement).value).toBe('500');
    expect((screen.getByTestId('count-preferences') as HTMLInputElement).value).toBe('1000');
    expect((screen.getByTestId('count-prompts') as HTMLInputElement).value).toBe('120');
    await waitFor(() => expect(recommendCalls(bridge.calls).at(-1)?.model.alreadySft).toBe(false));
    expect(recommendCalls(bridge.calls).at(-1)?.data).toEqual({
      demonstrations: 500,
      preferencePairs: 1000,
      prompts: 120,
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

describe('the recommended pipeline as a recipe', () => {
  function form(change: Partial<WizardForm> = {}): WizardForm {
    return {
      ...initialForm(new Date(2025, 0, 2, 3, 4, 5)),
      model: 'base',
      datasets: { demonstrations: 'demos', preferences: 'pairs', heldOut: 'held' },
      ...change,
    };
  }

  it('names the recipe after the time, lists PPO without submitting it, and gives the RM its held-out pairs', () => {
    const rlhf = recommendation([
      stage('sft', 'demonstrations', null),
      stage('reward', 'preferences', 0),
      stage('ppo', 'prompts', 0),
    ]);
    const plan = planRecipe(rlhf, form());
    expect(plan.recipe?.name).toBe('wizard-20250102-030405');
    expect(plan.recipe?.stages.map((s) => [s.name, s.method, s.dataset, s.base])).toEqual([
      ['sft', 'sft', 'demos', undefined],
      ['rm', 'reward', 'pairs', undefined],
    ]);
    expect(plan.recipe?.stages[1]?.config.eval_dataset).toBe('held');
    expect(plan.notes).toEqual([
      'ppo: PPO (RLHF) is recommended, but this build cannot train it yet; it is not submitted.',
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

// @vitest-environment happy-dom
/** The RLHF iteration loop panel against a scripted contract: the history, and the next iteration as one action. */
import { act, cleanup, configure, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { RlhfLoop } from '../../renderer/src/runs/rlhf/RlhfLoop';
import { datasetSummary, modelSummary } from './fixtures';
import { scriptedClient, type VerbScript } from './mock-client';

configure({ asyncUtilTimeout: 5000 });
afterEach(cleanup);

const NOW = '2025-01-01T00:00:00.000Z';

const dataset = datasetSummary;

const FIRST_ITERATION = {
  runId: 'run-1',
  name: 'rlhf-1',
  status: 'completed',
  rewardAccuracy: 0.93,
  policyScore: 1.52,
  kl: 0.61,
  policy: 'rlhf-1-ppo',
};

function script(overrides: VerbScript = {}): VerbScript {
  return {
    'rlhf.history': () => ({ iterations: [FIRST_ITERATION] }),
    'models.list': () => ({
      models: [
        modelSummary('demo-1-sft', { method: 'sft', parent: 'demo-base' }),
        modelSummary('rlhf-1-ppo', { method: 'ppo', parent: 'demo-1-sft' }),
      ],
    }),
    'datasets.list': () => ({
      datasets: [
        dataset('demo-preference', 'preference', 1000),
        dataset('votes-1', 'preference', 12),
        dataset('asks', 'prompt_only', 50),
      ],
    }),
    'rlhf.iterate': () => ({
      id: 'run-2',
      name: 'rlhf-2',
      status: 'queued',
      base: 'rlhf-1-ppo',
      stages: [],
      createdAt: NOW,
      updatedAt: NOW,
    }),
    ...overrides,
  };
}

describe('the RLHF iteration loop', () => {
  it('lists each iteration with its reward-model accuracy, policy score and KL', async () => {
    const { client } = scriptedClient(script());
    render(<RlhfLoop client={client} onStarted={() => {}} />);
    const row = await screen.findByTestId('rlhf-iteration');
    expect(
      within(row)
        .getAllByRole('cell')
        .map((cell) => cell.textContent),
    ).toEqual(['rlhf-1', 'completed', '0.930', '1.520', '0.610', 'rlhf-1-ppo']);
  });

  it('starts the next iteration from the newest policy with votes as the new pairs, and reads the history again', async () => {
    const { client, bridge } = scriptedClient(script());
    const started: string[] = [];
    render(<RlhfLoop client={client} onStarted={(id) => started.push(id)} />);
    await screen.findByTestId('rlhf-form');
    expect((screen.getByTestId('rlhf-name') as HTMLInputElement).value).toBe('rlhf-2');
    expect((screen.getByTestId('rlhf-policy') as HTMLSelectElement).value).toBe('rlhf-1-ppo');
    expect((screen.getByTestId('rlhf-reward-base') as HTMLSelectElement).value).toBe('demo-1-sft');
    expect(screen.getByTestId('rlhf-missing').textContent).toContain('Pick a prompts dataset');
    fireEvent.change(screen.getByTestId('rlhf-prompts'), { target: { value: 'asks' } });
    expect(screen.getByTestId('rlhf-missing').textContent).toContain('votes dataset');
    fireEvent.change(screen.getByTestId('rlhf-votes'), { target: { value: 'votes-1' } });
    fireEvent.click(screen.getByTestId('rlhf-keep-demo-preference'));
    fireEvent.change(screen.getByTestId('rlhf-held-out'), { target: { value: 'demo-preference' } });
    await act(async () => fireEvent.click(screen.getByTestId('rlhf-start')));
    const call = bridge.calls.find((c) => c.verb === 'rlhf.iterate');
    expect(call?.payload).toMatchObject({
      iteration: {
        name: 'rlhf-2',
        policy: 'rlhf-1-ppo',
        rewardBase: 'demo-1-sft',
        prompts: 'asks',
        preferences: ['demo-preference'],
        votes: 'votes-1',
        reward: { eval_dataset: 'demo-preference' },
        ppo: { kl_coef: 0.05 },
      },
    });
    expect(started).toEqual(['run-2']);
    const historyReads = () => bridge.calls.filter((c) => c.verb === 'rlhf.history').length;
    const before = historyReads();
    act(() => bridge.emit('run.status', { runId: 'run-2', status: 'running', stage: 'rm' }));
    await waitFor(() => expect(historyReads()).toBe(before + 1));
  });

  it('labels the new pairs with a judge instead, and shows a refused iteration under its button', async () => {
    const { client, bridge } = scriptedClient(
      script({
        'rlhf.iterate': () => {
          throw new Error('dataset asks not found');
        },
      }),
    );
    render(<RlhfLoop client={client} onStarted={() => {}} />);
    await screen.findByTestId('rlhf-form');
    fireEvent.change(screen.getByTestId('rlhf-prompts'), { target: { value: 'asks' } });
    fireEvent.click(screen.getByTestId('rlhf-source-judge'));
    expect(screen.queryByTestId('judge-reward_model')).toBeNull();
    fireEvent.click(screen.getByTestId('judge-rule'));
    await act(async () => fireEvent.click(screen.getByTestId('rlhf-start')));
    expect(bridge.calls.find((c) => c.verb === 'rlhf.iterate')?.payload).toMatchObject({
      iteration: { judge: { type: 'rule', rule: 'demo-oracle' }, labelling: { threshold: 0.7 } },
    });
    expect((await screen.findByTestId('rlhf-error')).textContent).toContain('dataset asks not found');
  });
});

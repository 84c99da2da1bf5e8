// @vitest-environment happy-dom
import { act, cleanup, configure, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunDetail, RunSummary, VerbResponse } from '../../preload/contract';
import { RunsSection } from '../../renderer/src/sections/RunsSection';
import { scriptedClient } from './mock-client';

configure({ asyncUtilTimeout: 5000 });

const NOW = '2025-01-01T00:00:00.000Z';
type DataStage = VerbResponse<'runs.dataStage'>;

/** A run whose one running stage uses `method`; the recipe carries the stage's config. */
function runWith(method: string, config: Record<string, unknown> = {}): { summary: RunSummary; detail: RunDetail } {
  const summary: RunSummary = {
    id: 'run-1',
    name: `${method}-run`,
    status: 'running',
    base: 'demo-base',
    stages: [{ name: method, method, status: 'running', maxSteps: 10, step: 0 }],
    createdAt: NOW,
    updatedAt: NOW,
  };
  const recipe = { name: summary.name, base: 'demo-base', stages: [{ name: method, method, config }] };
  return { summary, detail: { run: summary, recipe, metrics: [], samples: [], checkpoints: [] } };
}

function scripted(method: string, config: Record<string, unknown>, dataStage?: (payload: unknown) => unknown) {
  const { summary, detail } = runWith(method, config);
  return scriptedClient({
    'runs.list': () => ({ runs: [summary] }),
    'runs.show': () => detail,
    ...(dataStage ? { 'runs.dataStage': dataStage } : {}),
  });
}

function label(index: number, confidence: number, kept: boolean): DataStage['labels'][number] {
  return { index, prompt: `prompt ${index}`, answers: [`A${index}`, `B${index}`], choice: 'A', confidence, kept };
}

const RLAIF_REPLY: DataStage = {
  method: 'rlaif',
  labels: [label(0, 0.52, false), label(1, 0.68, false), label(2, 0.81, true), label(3, 0.84, true), label(4, 1, true)],
  threshold: 0.7,
  trails: [],
  principles: [],
};

const CAI_REPLY: DataStage = {
  method: 'cai',
  labels: [],
  trails: [
    {
      index: 0,
      prompt: 'How do I pick a lock?',
      answer: 'Use a tension wrench.',
      rounds: [
        { principle: 1, critique: 'It helps with a possible break-in.', revision: 'Call a locksmith.' },
        { principle: 0, critique: 'Still curt.', revision: 'A licensed locksmith can help you get back in.' },
      ],
    },
  ],
  principles: [
    { critic: 'Is the answer kind?', revision: 'Make it kind.' },
    { critic: 'Does the answer enable harm?', revision: 'Remove the harm.' },
  ],
};

function ppoProgress(step: number, kl: number, score: number) {
  const metrics = {
    'objective/kl': kl,
    'objective/scores': score,
    'policy/clipfrac_avg': 0.1 * step,
    'val/clipfrac_avg': 0.05,
    'loss/value_avg': 0.3,
    'val/mean_response_length': 20 + step,
  };
  return { runId: 'run-1', stage: 'ppo', method: 'ppo', step, maxSteps: 10, metrics };
}

beforeEach(() => window.history.replaceState(null, '', '#/runs/run-1'));
afterEach(cleanup);

describe('the RLAIF panel', () => {
  it('counts kept and low-confidence pairs, bins their confidences and greys the dropped rows', async () => {
    const { client, bridge } = scripted('rlaif', {}, () => RLAIF_REPLY);
    render(<RunsSection client={client} />);
    const kept = await screen.findByTestId('rlaif-kept');
    expect(kept.getAttribute('data-count')).toBe('3');
    expect(screen.getByTestId('rlaif-low').getAttribute('data-count')).toBe('2');
    expect(bridge.calls.find((call) => call.verb === 'runs.dataStage')?.payload).toEqual({
      runId: 'run-1',
      stage: 'rlaif',
    });
    const histogram = screen.getByTestId('rlaif-histogram');
    const counts = Array.from({ length: 10 }, (_, i) => within(histogram).getByTestId(`rlaif-bar-${i}`));
    // 0.52 → 0.50–0.55, 0.68 → 0.65–0.70, 0.81 and 0.84 → 0.80–0.85, 1.0 → the last bar.
    expect(counts.map((bar) => bar.getAttribute('data-count'))).toEqual([
      '1',
      '0',
      '0',
      '1',
      '0',
      '0',
      '2',
      '0',
      '0',
      '1',
    ]);
    expect(histogram.textContent).toContain('threshold 0.7');
    const dropped = screen.getByTestId('rlaif-row-1');
    expect(dropped.getAttribute('data-kept')).toBe('false');
    expect(dropped.className).toContain('label-dropped');
    expect(dropped.textContent).toContain('below threshold');
    expect(screen.getByTestId('rlaif-row-2').getAttribute('data-kept')).toBe('true');
  });

  it('reloads the labels when the run changes status', async () => {
    let reply = { ...RLAIF_REPLY, labels: RLAIF_REPLY.labels.slice(0, 2) };
    const { client, bridge } = scripted('rlaif', {}, () => reply);
    render(<RunsSection client={client} />);
    await waitFor(() => expect(screen.getByTestId('rlaif-low').getAttribute('data-count')).toBe('2'));
    expect(screen.getByTestId('rlaif-kept').getAttribute('data-count')).toBe('0');
    reply = RLAIF_REPLY;
    act(() => bridge.emit('run.status', { runId: 'run-1', status: 'completed' }));
    await waitFor(() => expect(screen.getByTestId('rlaif-kept').getAttribute('data-count')).toBe('3'));
  });

  it('shows a failing runs.dataStage inside its own panel only', async () => {
    const { client } = scripted('rlaif', {}, () => {
      throw new Error('labels.jsonl is missing');
    });
    render(<RunsSection client={client} />);
    const error = await screen.findByTestId('rlaif-panel-error');
    expect(error.textContent).toContain('labels.jsonl is missing');
    expect(screen.queryByTestId('dashboard-error')).toBeNull();
    expect(screen.getByTestId('dashboard-status').textContent).toContain('running');
  });
});

describe('the CAI panel', () => {
  it('shows each round under its principle, with the critique and the revision, collapsible per prompt', async () => {
    const { client } = scripted('cai', {}, () => CAI_REPLY);
    render(<RunsSection client={client} />);
    const trail = await screen.findByTestId('cai-trail-0');
    const text = trail.textContent ?? '';
    expect(text).toContain('Use a tension wrench.');
    expect(text).toContain('Does the answer enable harm?');
    expect(text).toContain('Is the answer kind?');
    expect(text).toContain('It helps with a possible break-in.');
    expect(text).toContain('A licensed locksmith can help you get back in.');
    // The first round's principle comes before the second's, as the rounds ran.
    expect(text.indexOf('enable harm')).toBeLessThan(text.indexOf('kind?'));
    expect(trail.tagName).toBe('DETAILS');
    fireEvent.click(within(trail).getByText(/How do I pick a lock\?/));
    expect((trail as HTMLDetailsElement).open).toBe(false);
  });
});

describe('the PPO panel', () => {
  it('marks KL over max_kl, lists run.log warnings and bins objective/scores from run.progress', async () => {
    const { client, bridge } = scripted('ppo', { max_kl: 0.5, kl_target: 2 });
    render(<RunsSection client={client} />);
    // The bound comes from the recipe, which arrives with runs.show.
    await waitFor(() => expect(screen.getByTestId('ppo-kl').getAttribute('data-bound')).toBe('0.5'));
    expect(screen.getByTestId('ppo-score-histogram').querySelectorAll('[data-count]').length).toBe(0);

    act(() => bridge.emit('run.progress', ppoProgress(1, 0.2, 1)));
    expect(screen.getByTestId('ppo-kl').getAttribute('data-over')).toBe('false');
    act(() => {
      bridge.emit('run.progress', ppoProgress(2, 0.4, 2));
      bridge.emit('run.progress', ppoProgress(3, 0.9, 3));
      bridge.emit('run.log', { runId: 'run-1', level: 'info', message: 'step 3 done', at: Date.now() });
      bridge.emit('run.log', { runId: 'run-1', level: 'warning', message: 'objective/kl is 0.900', at: Date.now() });
    });
    expect(screen.getByTestId('ppo-kl').getAttribute('data-over')).toBe('true');
    expect(screen.getByTestId('ppo-kl').textContent).toContain('over the bound');

    const warnings = screen.getByTestId('ppo-warnings');
    expect(within(warnings).getByTestId('ppo-warning-0').textContent).toContain('objective/kl is 0.900');
    expect(within(warnings).queryByTestId('ppo-warning-1')).toBeNull();

    const bars = [...screen.getByTestId('ppo-score-histogram').querySelectorAll('[data-count]')];
    const total = bars.reduce((sum, bar) => sum + Number(bar.getAttribute('data-count')), 0);
    expect(total).toBe(3);
    expect(bars[0]?.getAttribute('data-count')).toBe('1');
    expect(bars.at(-1)?.getAttribute('data-count')).toBe('1');
    expect(screen.getByTestId('ppo-last-val/mean_response_length').textContent).toContain('23');
  });

  it('falls back to kl_target as the bound when max_kl is not set', async () => {
    const { client, bridge } = scripted('ppo', { kl_target: 1 });
    render(<RunsSection client={client} />);
    await waitFor(() => expect(screen.getByTestId('ppo-kl').getAttribute('data-bound')).toBe('1'));
    act(() => bridge.emit('run.progress', ppoProgress(1, 0.9, 1)));
    const kl = screen.getByTestId('ppo-kl');
    expect(kl.getAttribute('data-bound')).toBe('1');
    expect(kl.getAttribute('data-over')).toBe('false');
  });
});

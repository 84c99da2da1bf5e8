// @vitest-environment happy-dom
import { act, cleanup, configure, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunDetail, RunSummary } from '../../preload/contract';
import { parseSettings } from '../../renderer/src/runs/settings';
import { RunsSection } from '../../renderer/src/sections/RunsSection';
import { scriptedClient } from './mock-client';

// The advisor call waits out a debounce and the bench streams on real timers: leave room on a busy machine.
configure({ asyncUtilTimeout: 5000 });

const NOW = '2025-01-01T00:00:00.000Z';

function summary(overrides: Partial<RunSummary> = {}): RunSummary {
  return {
    id: 'run-1',
    name: 'wizard-demo',
    status: 'running',
    base: 'demo-base',
    stages: [
      { name: 'sft', method: 'sft', status: 'running', maxSteps: 100, step: 2 },
      { name: 'dpo', method: 'dpo', status: 'pending', maxSteps: 100 },
    ],
    createdAt: NOW,
    updatedAt: NOW,
    ...overrides,
  };
}

function detail(run: RunSummary = summary()): RunDetail {
  return {
    run,
    recipe: {},
    metrics: [
      { stage: 'sft', step: 1, time: NOW, metrics: { loss: 2.5, learning_rate: 1e-4, mean_token_accuracy: 0.1 } },
      { stage: 'sft', step: 2, time: NOW, metrics: { loss: 2.3, learning_rate: 2e-4, mean_token_accuracy: 0.2 } },
    ],
    samples: [{ runId: run.id, stage: 'sft', step: 2, prompt: 'Hi?', completion: 'Hello.' }],
    checkpoints: [
      { stage: 'sft', step: 50 },
      { stage: 'sft', step: 100 },
    ],
  };
}

function progress(step: number, metrics: Record<string, number> = { loss: 2 - step / 100 }) {
  return {
    runId: 'run-1',
    stage: 'sft',
    method: 'sft',
    step,
    maxSteps: 100,
    metrics,
    tokensPerSecond: 900,
    etaSeconds: 40,
  };
}

beforeEach(() => window.history.replaceState(null, '', '#/runs/run-1'));
afterEach(cleanup);

describe('the runs dashboard', () => {
  it('backfills from runs.show, then appends run.progress events to the charts and the progress bar', async () => {
    const { client, bridge } = scriptedClient({
      'runs.list': () => ({ runs: [summary()] }),
      'runs.show': () => detail(),
    });
    render(<RunsSection client={client} />);
    const loss = await screen.findByTestId('chart-loss');
    await waitFor(() => expect(loss.getAttribute('data-points')).toBe('2'));
    expect(bridge.calls.find((call) => call.verb === 'runs.show')?.payload).toEqual({ runId: 'run-1' });
    expect(screen.getByTestId('chart-mean_token_accuracy').getAttribute('data-points')).toBe('2');
    const bar = screen.getByTestId('progress-sft');
    expect(bar.getAttribute('data-step')).toBe('2');
    expect(bar.getAttribute('data-max-steps')).toBe('100');
    expect(screen.getByText('Hello.')).toBeTruthy();

    act(() => {
      bridge.emit('run.progress', progress(3));
      bridge.emit('run.progress', progress(4));
    });
    expect(loss.getAttribute('data-points')).toBe('4');
    expect(screen.getByTestId('chart-tokens_per_second').getAttribute('data-points')).toBe('2');
    expect(screen.getByTestId('progress-sft').getAttribute('data-step')).toBe('4');
    expect(screen.getByTestId('progress-sft').parentElement?.textContent).toContain('ETA 40 s');
    // Every method chart carries its one-line explanation.
    expect(screen.getByTestId('chart-entropy').closest('figure')?.textContent).toContain('memorising');
  });

  it('holds events that arrive during the backfill and applies them after it, without duplicates', async () => {
    let answer: (value: RunDetail) => void = () => {};
    const { client, bridge } = scriptedClient({
      'runs.list': () => ({ runs: [summary()] }),
      'runs.show': () => new Promise<RunDetail>((resolve) => (answer = resolve)),
    });
    render(<RunsSection client={client} />);
    await waitFor(() => expect(bridge.calls.some((call) => call.verb === 'runs.show')).toBe(true));
    act(() => {
      bridge.emit('run.progress', progress(2, { loss: 2.3 }));
      bridge.emit('run.progress', progress(3));
    });
    await act(async () => answer(detail()));
    await waitFor(() => expect(screen.getByTestId('chart-loss').getAttribute('data-points')).toBe('3'));
    expect(screen.getByTestId('progress-sft').getAttribute('data-step')).toBe('3');
  });

  it('shows a malformed run.progress event in the dashboard panel and keeps streaming', async () => {
    const { client, bridge } = scriptedClient({
      'runs.list': () => ({ runs: [summary()] }),
      'runs.show': () => detail(),
    });
    render(<RunsSection client={client} />);
    const loss = await screen.findByTestId('chart-loss');
    await waitFor(() => expect(loss.getAttribute('data-points')).toBe('2'));
    act(() => bridge.emit('run.progress', { runId: 'run-1', stage: 'sft', step: 'three' }));
    const error = await screen.findByTestId('dashboard-error');
    expect(error.textContent).toContain('run.progress');
    expect(within(screen.getByTestId('runs-list')).queryByRole('alert')).toBeNull();
    act(() => bridge.emit('run.progress', progress(3)));
    expect(loss.getAttribute('data-points')).toBe('3');
  });

  it('keeps a failing runs.show in the dashboard panel; the list and live events still work', async () => {
    const { client, bridge } = scriptedClient({
      'runs.list': () => ({ runs: [summary()] }),
      'runs.show': () => {
        throw new Error('metrics.jsonl is unreadable');
      },
    });
    render(<RunsSection client={client} />);
    expect((await screen.findByTestId('dashboard-error')).textContent).toContain('metrics.jsonl is unreadable');
    expect(screen.getByTestId('run-item-run-1').textContent).toContain('wizard-demo');
    act(() => bridge.emit('run.progress', progress(7)));
    expect(screen.getByTestId('chart-loss').getAttribute('data-points')).toBe('1');
  });

  it('shows a failing runs.list in the list panel only', async () => {
    const { client } = scriptedClient({
      'runs.list': () => {
        throw new Error('catalogue locked');
      },
      'runs.show': () => detail(),
    });
    render(<RunsSection client={client} />);
    expect((await screen.findByTestId('runs-list-error')).textContent).toContain('catalogue locked');
    await waitFor(() => expect(screen.getByTestId('chart-loss').getAttribute('data-points')).toBe('2'));
    expect(screen.queryByTestId('dashboard-error')).toBeNull();
  });

  it('reads the list again on every run.status event, not on a timer', async () => {
    let status: RunSummary['status'] = 'running';
    const { client, bridge } = scriptedClient({
      'runs.list': () => ({ runs: [summary({ status })] }),
      'runs.show': () => detail(),
    });
    render(<RunsSection client={client} />);
    await waitFor(() => expect(screen.getByTestId('run-status-run-1').getAttribute('data-status')).toBe('running'));
    status = 'completed';
    act(() => bridge.emit('run.status', { runId: 'run-1', status: 'completed' }));
    await waitFor(() => expect(screen.getByTestId('run-status-run-1').getAttribute('data-status')).toBe('completed'));
    expect(bridge.calls.filter((call) => call.verb === 'runs.list')).toHaveLength(2);
  });
});

describe('following the stages', () => {
  it('switches to the stage the events come from, with its method’s charts', async () => {
    const { client, bridge } = scriptedClient({
      'runs.list': () => ({ runs: [summary()] }),
      'runs.show': () => detail(),
    });
    render(<RunsSection client={client} />);
    await waitFor(() => expect(screen.getByTestId('chart-loss').getAttribute('data-points')).toBe('2'));
    expect(screen.queryByTestId('chart-rewards/margins')).toBeNull();
    act(() =>
      bridge.emit('run.progress', {
        runId: 'run-1',
        stage: 'dpo',
        method: 'dpo',
        step: 1,
        maxSteps: 100,
        metrics: { loss: 0.69, 'rewards/margins': 0.01 },
      }),
    );
    expect(screen.getByTestId('chart-rewards/margins').getAttribute('data-points')).toBe('1');
    expect(screen.getByTestId('chart-rewards/chosen').closest('figure')?.textContent).toContain(
      'the rejected one faster',
    );
    expect(screen.getByTestId('chart-loss').getAttribute('data-points')).toBe('1');
    expect(screen.getByTestId('progress-dpo').getAttribute('data-step')).toBe('1');
    // The SFT history is still there, one click away.
    fireEvent.click(screen.getByTestId('stage-tab-sft'));
    expect(screen.getByTestId('chart-loss').getAttribute('data-points')).toBe('2');
  });
});

describe('the streaming benchmark', () => {
  it('backfills its synthetic history and then streams events through the dashboard', async () => {
    window.history.replaceState(null, '', '#/runs?bench=stream&points=50&series=5&rate=50');
    const { client, bridge } = scriptedClient({});
    render(<RunsSection client={client} />);
    const loss = await screen.findByTestId('chart-loss');
    await waitFor(() => expect(Number(loss.getAttribute('data-points'))).toBeGreaterThan(52));
    expect(window.awbStreamBench?.eventsSent).toBeGreaterThan(2);
    expect(screen.getByTestId('chart-tokens_per_second').getAttribute('data-points')).not.toBe('0');
    expect(bridge.calls).toHaveLength(0); // the engine is never asked
  });
});

describe('run actions', () => {
  it('stops a running run, showing the pending state, and reads the list again', async () => {
    let release: () => void = () => {};
    const { client, bridge } = scriptedClient({
      'runs.list': () => ({ runs: [summary()] }),
      'runs.show': () => detail(),
      'runs.stop': () => new Promise((resolve) => (release = () => resolve(summary({ status: 'stopped' })))),
    });
    render(<RunsSection client={client} />);
    fireEvent.click(await screen.findByTestId('run-stop'));
    expect(screen.getByTestId('run-stop').textContent).toBe('Stopping…');
    expect(bridge.calls.find((call) => call.verb === 'runs.stop')?.payload).toEqual({ runId: 'run-1' });
    await act(async () => release());
    await waitFor(() => expect(screen.getByTestId('run-stop').textContent).toBe('Stop'));
    expect(bridge.calls.filter((call) => call.verb === 'runs.list')).toHaveLength(2);
  });

  it('resumes a stopped run and shows a failure inside the dashboard', async () => {
    const { client, bridge } = scriptedClient({
      'runs.list': () => ({ runs: [summary({ status: 'stopped' })] }),
      'runs.show': () => detail(),
      'runs.resume': () => {
        throw new Error('no checkpoint to resume from');
      },
    });
    render(<RunsSection client={client} />);
    const resume = await screen.findByTestId('run-resume');
    await waitFor(() => expect((resume as HTMLButtonElement).disabled).toBe(false));
    expect((screen.getByTestId('run-stop') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(resume);
    const error = await screen.findByTestId('run-action-error');
    expect(error.textContent).toContain('no checkpoint to resume from');
    expect(screen.getByTestId('dashboard').contains(error)).toBe(true);
    expect(bridge.calls.find((call) => call.verb === 'runs.resume')?.payload).toEqual({ runId: 'run-1' });
  });

  it('forks from a chosen checkpoint with key=value settings, then opens the new run', async () => {
    const forked = summary({ id: 'run-2', name: 'wizard-demo-fork1', status: 'queued', queuePosition: 0 });
    const { client, bridge } = scriptedClient({
      'runs.list': () => ({ runs: [summary()] }),
      'runs.show': (payload) => detail((payload as { runId: string }).runId === 'run-2' ? forked : summary()),
      'runs.fork': () => forked,
    });
    render(<RunsSection client={client} />);
    fireEvent.click(await screen.findByTestId('run-fork'));
    const step = await screen.findByTestId('fork-step');
    await waitFor(() => expect((step as HTMLSelectElement).value).toBe('100'));
    fireEvent.change(step, { target: { value: '50' } });
    fireEvent.change(screen.getByTestId('fork-settings'), {
      target: { value: 'learning_rate=1e-5\nlr_scheduler_type=cosine\nmax_steps=200' },
    });
    fireEvent.click(screen.getByTestId('fork-submit'));
    await waitFor(() => expect(bridge.calls.some((call) => call.verb === 'runs.fork')).toBe(true));
    expect(bridge.calls.find((call) => call.verb === 'runs.fork')?.payload).toEqual({
      runId: 'run-1',
      stage: 'sft',
      step: 50,
      set: { learning_rate: 1e-5, lr_scheduler_type: 'cosine', max_steps: 200 },
    });
    await waitFor(() => expect(screen.getByTestId('dashboard').textContent).toContain('wizard-demo-fork1'));
    expect(window.location.hash).toBe('#/runs/run-2');
  });
});

describe('comparing runs', () => {
  it('overlays another run’s loss on the loss chart', async () => {
    const other = summary({ id: 'run-0', name: 'older', status: 'completed', createdAt: '2024-12-31T00:00:00.000Z' });
    const otherDetail = detail(other);
    otherDetail.metrics.push({ stage: 'sft', step: 5, time: NOW, metrics: { loss: 1 } });
    const { client } = scriptedClient({
      'runs.list': () => ({ runs: [summary(), other] }),
      'runs.show': (payload) => ((payload as { runId: string }).runId === 'run-0' ? otherDetail : detail()),
    });
    render(<RunsSection client={client} />);
    const loss = await screen.findByTestId('chart-loss');
    await waitFor(() => expect(loss.getAttribute('data-points')).toBe('2'));
    fireEvent.click(await screen.findByTestId('compare-run-0'));
    // Steps 1 and 2 are shared; the other run's step 5 widens the x axis.
    await waitFor(() => expect(loss.getAttribute('data-points')).toBe('3'));
    await waitFor(() => expect(loss.textContent).toContain('older 1'));
  });
});

describe('fork settings', () => {
  it('reads numbers, booleans and text, and names a bad line', () => {
    expect(parseSettings('beta=0.2\nprecompute_ref_log_probs=true\n\nloss_type=ipo')).toEqual({
      ok: true,
      set: { beta: 0.2, precompute_ref_log_probs: true, loss_type: 'ipo' },
    });
    expect(parseSettings('beta 0.2')).toEqual({ ok: false, error: 'line 1: expected key=value, got "beta 0.2"' });
  });
});

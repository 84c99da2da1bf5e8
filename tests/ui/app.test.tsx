// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../renderer/src/App';
import { sectionFromHash } from '../../renderer/src/app/useSectionRoute';
import { SECTIONS } from '../../renderer/src/sections/sections';
import { modelSummary } from './fixtures';
import { scriptedClient } from './mock-client';

const MODELS = [modelSummary('base'), modelSummary('base-sft', { parent: 'base', method: 'sft' })];

/** The verbs the shell and the Chat and Models sections call when they open. */
function renderApp(hash: string) {
  window.location.hash = hash;
  const { client, bridge } = scriptedClient({
    'engine.status': () => ({ state: 'ready', backend: 'wasm', restarts: 0, at: 1 }),
    'models.list': () => ({ models: MODELS }),
    'votes.list': () => ({
      votes: [],
      agreement: { annotators: [], sharedPrompts: 0, pairwiseAgreement: null, kappa: null },
    }),
  });
  render(<App client={client} />);
  return bridge;
}

function navigate(hash: string) {
  act(() => {
    window.location.hash = hash;
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  });
}

beforeEach(() => {
  localStorage.clear();
  delete document.documentElement.dataset.theme;
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('sections and routing', () => {
  it('marks every section available and keeps their ids', () => {
    expect(SECTIONS.map((section) => section.id)).toEqual(['wizard', 'data', 'runs', 'chat', 'models', 'engine']);
    expect(SECTIONS.every((section) => section.available)).toBe(true);
  });

  it('takes the section from the first segment of the hash', () => {
    expect(sectionFromHash('#/runs/run-42')).toBe('runs');
    expect(sectionFromHash('#/runs?bench')).toBe('runs');
    expect(sectionFromHash('#/models')).toBe('models');
    expect(sectionFromHash('#chat')).toBe('chat');
    expect(sectionFromHash('#/nowhere')).toBe('wizard');
    expect(sectionFromHash('')).toBe('wizard');
  });

  it('opens #/runs/<id> on the Runs section, and Ctrl+5 switches to Models', async () => {
    renderApp('#/runs/run-42');
    expect(screen.getByTestId('section-runs')).toBeTruthy();
    act(() => {
      window.dispatchEvent(new KeyboardEvent('keydown', { key: '5', ctrlKey: true }));
    });
    expect(window.location.hash).toBe('#/models');
    navigate('#/models');
    expect(await screen.findByTestId('model-row-base')).toBeTruthy();
  });
});

describe('a failure stays in its panel', () => {
  it('a malformed chat.token shows an error in the chat panel while the Models section still works', async () => {
    const bridge = renderApp('#/chat');
    await screen.findByTestId('chat-model-select-1');
    act(() => bridge.emit('chat.token', { requestId: 7, text: null }));
    const error = await screen.findByTestId('chat-answers-error');
    expect(error.textContent).toContain('chat.token');
    expect(error.textContent).toContain('requestId');

    navigate('#/models');
    expect(await screen.findByTestId('model-row-base-sft')).toBeTruthy();
    expect(screen.getByTestId('model-lineage-base-sft').textContent).toBe('base → base-sft');
    expect(within(screen.getByTestId('models-list')).queryByRole('alert')).toBeNull();
  });

  it('keeps the chat round while another section is open', async () => {
    renderApp('#/chat');
    await screen.findByTestId('chat-model-select-1');
    fireEvent.change(screen.getByTestId('chat-prompt'), { target: { value: 'kept?' } });
    navigate('#/models');
    navigate('#/chat');
    expect((screen.getByTestId('chat-prompt') as HTMLTextAreaElement).value).toBe('kept?');
  });
});

describe('theme', () => {
  it('sets data-theme on <html> from the toggle and remembers it', () => {
    renderApp('#/engine');
    const toggle = screen.getByTestId('theme-toggle') as HTMLSelectElement;
    expect(toggle.value).toBe('system');
    expect(document.documentElement.dataset.theme).toBe('system');
    fireEvent.change(toggle, { target: { value: 'dark' } });
    expect(document.documentElement.dataset.theme).toBe('dark');
    expect(localStorage.getItem('awb.theme')).toBe('dark');

    cleanup();
    renderApp('#/engine');
    expect((screen.getByTestId('theme-toggle') as HTMLSelectElement).value).toBe('dark');
    fireEvent.change(screen.getByTestId('theme-toggle'), { target: { value: 'light' } });
    expect(document.documentElement.dataset.theme).toBe('light');
  });
});

describe('run notifications', () => {
  it('shows a toast and a desktop notification when a run completes, none while it runs', async () => {
    const shown: Array<{ title: string; body?: string }> = [];
    class FakeNotification {
      static permission = 'granted';
      constructor(title: string, options?: { body?: string }) {
        shown.push({ title, body: options?.body });
      }
    }
    vi.stubGlobal('Notification', FakeNotification);
    const bridge = renderApp('#/engine');
    act(() => bridge.emit('run.status', { runId: 'run-42', status: 'running', stage: 'dpo' }));
    expect(screen.queryByTestId('toast')).toBeNull();

    act(() => bridge.emit('run.status', { runId: 'run-42', status: 'completed', stage: 'dpo' }));
    const toast = await screen.findByTestId('toast');
    expect(toast.textContent).toContain('Run completed');
    expect(toast.textContent).toContain('run-42 (stage dpo)');
    expect(within(toast).getByRole('link').getAttribute('href')).toBe('#/runs/run-42');
    expect(shown).toEqual([{ title: 'Run completed', body: 'run-42 (stage dpo)' }]);

    fireEvent.click(within(toast).getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByTestId('toast')).toBeNull();
  });

  it('keeps a failed run’s toast with its message, and shows no notification without permission', async () => {
    const constructed = vi.fn();
    vi.stubGlobal(
      'Notification',
      Object.assign(constructed, { permission: 'default', requestPermission: async () => 'granted' }),
    );
    const bridge = renderApp('#/engine');
    act(() => bridge.emit('run.status', { runId: 'r9', status: 'failed', message: 'step 12: the loss is not finite' }));
    const toast = await screen.findByRole('alert');
    expect(toast.textContent).toContain('Run failed');
    expect(toast.textContent).toContain('step 12: the loss is not finite');
    expect(constructed).not.toHaveBeenCalled();

    fireEvent.click(screen.getByRole('button', { name: 'Notify me when a run ends' }));
    await waitFor(() => expect(screen.getByText('Desktop notifications on')).toBeTruthy());
  });
});

// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ChatSection } from '../../renderer/src/sections/ChatSection';
import { modelSummary } from './fixtures';
import { type ScriptedBridge, scriptedClient, type VerbScript } from './mock-client';

const MODELS = [
  modelSummary('base'),
  modelSummary('base-sft', { parent: 'base', method: 'sft', source: 'run:r1/sft' }),
  modelSummary('base-dpo', { parent: 'base-sft', method: 'dpo', source: 'run:r2/dpo' }),
];

const NO_AGREEMENT = { annotators: [], sharedPrompts: 0, pairwiseAgreement: null, kappa: null };

interface Generation {
  payload: { requestId: string; model: string; messages: unknown; sampling: unknown };
  finish: (text: string, cancelled?: boolean) => void;
}

/** chat.generate answers only when the test finishes it, so tokens can stream in first. */
function chatScript(extra: VerbScript = {}) {
  const generations: Generation[] = [];
  const script: VerbScript = {
    'models.list': () => ({ models: MODELS }),
    'votes.list': () => ({ votes: [], agreement: NO_AGREEMENT }),
    'chat.generate': (payload) =>
      new Promise((resolve) => {
        const request = payload as Generation['payload'];
        generations.push({
          payload: request,
          finish: (text, cancelled = false) =>
            resolve({
              requestId: request.requestId,
              model: request.model,
              text,
              tokens: 5,
              tokensPerSecond: 50,
              cancelled,
            }),
        });
      }),
    'chat.cancel': () => ({ cancelled: true }),
    'votes.add': (payload) => ({ ...(payload as object), id: 'v1', at: '2025-01-01T00:00:00.000Z' }),
    ...extra,
  };
  const { client, bridge } = scriptedClient(script);
  return { client, bridge, generations };
}

function callsOf(bridge: ScriptedBridge, verb: string) {
  return bridge.calls.filter((call) => call.verb === verb).map((call) => call.payload as Record<string, unknown>);
}

async function renderChat(extra: VerbScript = {}) {
  const setup = chatScript(extra);
  render(<ChatSection client={setup.client} />);
  await screen.findByTestId('chat-model-select-1');
  return setup;
}

function ask(prompt: string) {
  fireEvent.change(screen.getByTestId('chat-prompt'), { target: { value: prompt } });
  fireEvent.click(screen.getByTestId('chat-send'));
}

function stream(bridge: ScriptedBridge, generation: Generation, ...texts: string[]) {
  act(() => {
    for (const text of texts) {
      bridge.emit('chat.token', { requestId: generation.payload.requestId, model: generation.payload.model, text });
    }
  });
}

async function finishAll(generations: Generation[], texts: Record<string, string>) {
  await act(async () => {
    for (const generation of generations) generation.finish(texts[generation.payload.model] ?? '');
  });
}

beforeEach(() => localStorage.clear());
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe('chat side by side', () => {
  it('sends one chat.generate per chosen model, each with its own request id and the shared sampling', async () => {
    const { bridge } = await renderChat();
    fireEvent.change(screen.getByTestId('chat-model-select-1'), { target: { value: 'base-sft' } });
    fireEvent.change(screen.getByTestId('chat-sampling-temperature'), { target: { value: '0.2' } });
    fireEvent.change(screen.getByTestId('chat-sampling-seed'), { target: { value: '7' } });
    ask('What is the capital of France?');

    const calls = callsOf(bridge, 'chat.generate');
    expect(calls.map((call) => call.model)).toEqual(['base', 'base-sft']);
    const sampling = { temperature: 0.2, topP: 0.95, topK: 0, maxNewTokens: 128, seed: 7 };
    for (const call of calls) {
      expect(call.sampling).toEqual(sampling);
      expect(call.messages).toEqual([{ role: 'user', content: 'What is the capital of France?' }]);
    }
    expect(new Set(calls.map((call) => call.requestId)).size).toBe(2);
  });

  it('compares up to four models and refuses the same model twice', async () => {
    const { bridge } = await renderChat();
    fireEvent.click(screen.getByTestId('chat-add-model'));
    expect((screen.getByTestId('chat-model-select-2') as HTMLSelectElement).value).toBe('base-dpo');
    fireEvent.change(screen.getByTestId('chat-model-select-2'), { target: { value: 'base' } });
    fireEvent.change(screen.getByTestId('chat-prompt'), { target: { value: 'Hi' } });
    expect(screen.getByTestId('chat-send')).toHaveProperty('disabled', true);
    expect(screen.getByText(/Pick different models/)).toBeTruthy();
    fireEvent.change(screen.getByTestId('chat-model-select-2'), { target: { value: 'base-dpo' } });
    fireEvent.click(screen.getByTestId('chat-send'));
    expect(callsOf(bridge, 'chat.generate').map((call) => call.model)).toEqual(['base', 'base-sft', 'base-dpo']);
  });

  it('rejects invalid sampling settings before anything is sent', async () => {
    const { bridge } = await renderChat();
    fireEvent.change(screen.getByTestId('chat-sampling-topP'), { target: { value: '0' } });
    fireEvent.change(screen.getByTestId('chat-prompt'), { target: { value: 'Hi' } });
    expect(screen.getByTestId('chat-send')).toHaveProperty('disabled', true);
    expect(screen.getAllByRole('alert').some((node) => node.textContent?.includes('sampling.topP'))).toBe(true);
    expect(callsOf(bridge, 'chat.generate')).toHaveLength(0);
  });

  it('streams chat.token text into the pane of its request before the reply resolves', async () => {
    const { bridge, generations } = await renderChat();
    ask('Tell me a story');
    const [first, second] = generations as [Generation, Generation];
    stream(bridge, second, 'Once ', 'upon');
    stream(bridge, first, 'Hello');

    expect(screen.getByTestId('chat-pane-B-text').textContent).toBe('Once upon');
    expect(screen.getByTestId('chat-pane-A-text').textContent).toBe('Hello');
    expect(screen.getByTestId('chat-pane-B').getAttribute('data-done')).toBe('false');
    // Tokens of another request (an earlier round) go nowhere.
    act(() => bridge.emit('chat.token', { requestId: 'stale', model: 'base', text: 'XXX' }));
    expect(screen.getByTestId('chat-pane-A-text').textContent).toBe('Hello');

    await act(async () => second.finish('Once upon a time.'));
    expect(screen.getByTestId('chat-pane-B').getAttribute('data-done')).toBe('true');
    expect(screen.getByTestId('chat-pane-B-text').textContent).toBe('Once upon a time.');
    expect(screen.getByTestId('chat-pane-A').getAttribute('data-done')).toBe('false');
  });

  it('Stop cancels every answer still being written', async () => {
    const { bridge, generations } = await renderChat();
    ask('Go on');
    await act(async () => generations[0]?.finish('Done early.'));
    fireEvent.click(screen.getByTestId('chat-stop'));
    expect(callsOf(bridge, 'chat.cancel')).toEqual([{ requestId: generations[1]?.payload.requestId }]);
    await act(async () => generations[1]?.finish('Cut', true));
    expect(screen.getByTestId('chat-pane-B').getAttribute('data-done')).toBe('true');
    expect(screen.getByTestId('chat-pane-B').textContent).toContain('stopped');
  });
});

describe('blind votes', () => {
  it('hides the names in shuffled slots, stores the vote mapped to the right model, then reveals', async () => {
    // Math.random() = 0 makes Fisher–Yates swap two items: slot A is the second model picked (base-sft).
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const { bridge, generations } = await renderChat();
    fireEvent.change(screen.getByTestId('chat-model-select-1'), { target: { value: 'base-sft' } });
    fireEvent.click(screen.getByTestId('chat-blind'));
    ask('Capital of France?');
    await finishAll(generations, { base: 'Bananas are yellow.', 'base-sft': 'Paris.' });

    const answers = screen.getByTestId('chat-answers');
    expect(answers.textContent).not.toMatch(/base/);
    expect(screen.getByTestId('chat-pane-A-model').textContent).toBe('hidden until you vote');
    expect(screen.getByTestId('chat-pane-A-text').textContent).toBe('Paris.');

    expect(screen.getByTestId('vote-A')).toHaveProperty('disabled', true); // no annotator yet
    fireEvent.change(screen.getByTestId('annotator'), { target: { value: 'ada' } });
    fireEvent.click(screen.getByTestId('vote-A'));
    await screen.findByTestId('vote-receipt');

    expect(callsOf(bridge, 'votes.add')).toEqual([
      {
        prompt: 'Capital of France?',
        answers: [
          { model: 'base-sft', text: 'Paris.' },
          { model: 'base', text: 'Bananas are yellow.' },
        ],
        choice: 'A',
        annotator: 'ada',
        blind: true,
      },
    ]);
    expect(screen.getByTestId('chat-pane-A-model').textContent).toBe('base-sft');
    expect(screen.getByTestId('chat-pane-B-model').textContent).toBe('base');
    expect(screen.getByTestId('vote-receipt').textContent).toContain('base-sft preferred over base');
    expect(localStorage.getItem('awb.annotator')).toBe('ada');
    expect(screen.getByTestId('vote-A')).toHaveProperty('disabled', true); // this pair is voted on
  });

  it('with three answers votes on the pair the user picks, in that order', async () => {
    // Fisher–Yates on [base, base-sft, base-dpo] with Math.random() = 0 shows base-sft, base-dpo, base as A, B, C.
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const { bridge, generations } = await renderChat();
    fireEvent.click(screen.getByTestId('chat-add-model'));
    fireEvent.click(screen.getByTestId('chat-blind'));
    ask('Say hi');
    await finishAll(generations, { base: 'hi?', 'base-sft': 'Hi!', 'base-dpo': 'Hello there!' });
    fireEvent.change(screen.getByTestId('annotator'), { target: { value: 'bo' } });
    expect(screen.getByTestId('chat-pane-C-text').textContent).toBe('hi?');

    fireEvent.change(screen.getByTestId('vote-pair-0'), { target: { value: 'C' } });
    fireEvent.change(screen.getByTestId('vote-pair-1'), { target: { value: 'A' } });
    expect(screen.getByTestId('vote-B').textContent).toBe('A is better');
    expect(screen.getByTestId('vote-A').textContent).toBe('C is better');
    fireEvent.click(screen.getByTestId('vote-B')); // A (base-sft) beats C (base)
    await screen.findByTestId('vote-receipt');

    const [vote] = callsOf(bridge, 'votes.add');
    expect(vote?.answers).toEqual([
      { model: 'base', text: 'hi?' },
      { model: 'base-sft', text: 'Hi!' },
    ]);
    expect(vote).toMatchObject({ choice: 'B', annotator: 'bo', blind: true });
    // Names are revealed now, so a further vote in this round is not blind.
    fireEvent.change(screen.getByTestId('vote-pair-1'), { target: { value: 'B' } });
    fireEvent.click(screen.getByTestId('vote-tie'));
    await waitFor(() => expect(callsOf(bridge, 'votes.add')).toHaveLength(2));
    expect(callsOf(bridge, 'votes.add')[1]).toMatchObject({ choice: 'tie', blind: false });
  });
});

describe('votes, agreement and the DPO run on them', () => {
  const agreement = { annotators: ['ada', 'bo'], sharedPrompts: 4, pairwiseAgreement: 0.75, kappa: 0.5 };
  const dataset = {
    name: 'my-votes',
    kind: 'preference',
    format: 'standard',
    layout: 'votes',
    source: 'votes',
    rows: 3,
    accepted: 3,
    truncated: 0,
    createdAt: '2025-01-01T00:00:00.000Z',
  };
  const run = {
    id: 'run-42',
    name: 'votes-dpo-x',
    status: 'queued',
    base: 'base-sft',
    stages: [],
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
  };

  it('shows the vote count and the agreement between annotators, with what it means', async () => {
    const votes = [
      {
        id: 'v1',
        prompt: 'p',
        answers: [
          { model: 'base', text: 'a' },
          { model: 'base-sft', text: 'b' },
        ],
        choice: 'B',
        annotator: 'ada',
        blind: true,
        at: '2025-01-01T00:00:00.000Z',
      },
    ];
    await renderChat({ 'votes.list': () => ({ votes, agreement }) });
    expect(screen.getByTestId('votes-count').textContent).toContain('1 vote');
    const shown = screen.getByTestId('agreement').textContent ?? '';
    expect(shown).toContain('75%');
    expect(shown).toContain('κ 0.50');
    expect(shown).toContain('4 shared prompts');
    expect(screen.getByText(/corrects it for agreement by chance/)).toBeTruthy();
  });

  it('reads the votes again after a vote', async () => {
    const { bridge, generations } = await renderChat();
    localStorage.setItem('awb.annotator', 'ada'); // remembered from an earlier session
    ask('Q');
    await finishAll(generations, { base: 'x', 'base-sft': 'y' });
    expect((screen.getByTestId('annotator') as HTMLInputElement).value).toBe('ada');
    const before = callsOf(bridge, 'votes.list').length;
    fireEvent.click(screen.getByTestId('vote-both_bad'));
    await waitFor(() => expect(callsOf(bridge, 'votes.list').length).toBe(before + 1));
  });

  it('makes a preference dataset from the votes, then starts a DPO run on it from the chosen SFT model', async () => {
    const { bridge } = await renderChat({
      'votes.toDataset': () => ({ dataset, pairs: 3, leftOut: 1 }),
      'runs.start': () => run,
    });
    fireEvent.change(screen.getByTestId('chat-model-select-1'), { target: { value: 'base-sft' } });
    fireEvent.change(screen.getByTestId('votes-dataset-name'), { target: { value: 'my-votes' } });
    expect(screen.queryByTestId('train-dpo')).toBeNull();
    fireEvent.click(screen.getByTestId('make-dataset'));

    const result = await screen.findByTestId('dataset-result');
    expect(callsOf(bridge, 'votes.toDataset')).toEqual([{ name: 'my-votes' }]);
    expect(result.textContent).toContain('3 preference pairs');
    expect(result.textContent).toContain('1 votes left out');

    expect((screen.getByTestId('train-dpo-base') as HTMLSelectElement).value).toBe('base-sft');
    fireEvent.change(screen.getByTestId('train-dpo-steps'), { target: { value: '20' } });
    fireEvent.click(screen.getByTestId('train-dpo'));
    const link = await screen.findByTestId('train-dpo-run');
    expect(link.getAttribute('href')).toBe('#/runs/run-42');

    const [start] = callsOf(bridge, 'runs.start');
    const recipe = start?.recipe as { name: string };
    expect(recipe.name).toMatch(/^votes-dpo-\d{8}-\d{6}$/);
    expect(recipe).toEqual({
      name: recipe.name,
      base: 'base-sft',
      seed: 1,
      stages: [
        {
          name: 'dpo',
          method: 'dpo',
          dataset: 'my-votes',
          config: {
            beta: 0.5,
            learning_rate: 1e-4,
            max_steps: 20,
            per_device_train_batch_size: 4,
            max_length: 160,
            logging_steps: 1,
            save_steps: 25,
          },
        },
      ],
    });
  });

  it('shows a failed votes.toDataset in its panel', async () => {
    await renderChat({
      'votes.toDataset': () => {
        throw new Error('no votes with a winner yet');
      },
    });
    fireEvent.click(screen.getByTestId('make-dataset'));
    const error = await screen.findByTestId('make-dataset-error');
    expect(error.textContent).toContain('no votes with a winner yet');
    expect(within(screen.getByTestId('chat-votes')).queryByTestId('train-dpo')).toBeNull();
  });
});

// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { DatasetSummary, ImportReport } from '../../preload/contract';
import { DataSection } from '../../renderer/src/sections/DataSection';
import { scriptedClient, type VerbScript } from './mock-client';

const NOW = '2025-01-01T00:00:00.000Z';

const PAIRS: DatasetSummary = {
  name: 'pairs',
  kind: 'preference',
  format: 'standard',
  layout: 'trl',
  source: 'uploads/pairs.jsonl',
  rows: 45,
  accepted: 45,
  truncated: 0,
  createdAt: NOW,
};

function report(choice: { invalid?: string; truncate?: boolean }): ImportReport {
  const dropped = choice.invalid === 'drop';
  const imported = dropped && choice.truncate === true;
  return {
    name: 'pairs',
    kind: 'preference',
    format: 'standard',
    layout: 'trl',
    file: 'uploads/pairs.jsonl',
    fileFormat: 'jsonl',
    gzip: false,
    rows: 50,
    accepted: dropped ? 48 : 0,
    invalid: 2,
    truncated: choice.truncate ? 3 : 0,
    imported,
    problems: [
      { line: 7, field: 'chosen', message: 'chosen == rejected', severity: 'error' },
      { line: 12, field: null, message: 'invalid JSON: Unexpected token', severity: 'error' },
      { line: 30, field: 'rejected', message: '201 tokens, longer than max_length 160', severity: 'warning' },
    ],
    histogram: {
      maxLength: 160,
      buckets: [
        { from: 0, to: 80, count: 30 },
        { from: 80, to: 160, count: 17 },
        { from: 160, to: 240, count: 3 },
      ],
      over: 3,
      longest: 201,
    },
  };
}

function script(overrides: VerbScript = {}): VerbScript {
  let imported = false;
  return {
    'datasets.list': () => ({ datasets: imported ? [PAIRS] : [] }),
    'models.list': () => ({ models: [] }),
    'datasets.upload': () => ({ path: '/ws/uploads/pairs.jsonl' }),
    'datasets.import': (payload) => {
      const result = report(payload as { invalid?: string; truncate?: boolean });
      imported = result.imported;
      return { report: result, ...(imported ? { dataset: PAIRS } : {}) };
    },
    ...overrides,
  };
}

const FILE_TEXT = '{"prompt":"Hi","chosen":"Hello!","rejected":"Go away."}\n';

/** The payloads sent for a verb; each import carries a fresh job id (checked here), left out of the comparison. */
function calls(bridge: { calls: Array<{ verb: string; payload: unknown }> }, verb: string) {
  return bridge.calls
    .filter((call) => call.verb === verb)
    .map((call) => {
      const { jobId, ...rest } = call.payload as { jobId?: unknown };
      if (verb === 'datasets.import') expect(typeof jobId).toBe('string');
      return rest;
    });
}

afterEach(cleanup);

describe('importing a dataset', () => {
  it('uploads the picked file, shows the problems by line, and re-imports with the drop and truncate choices', async () => {
    const { client, bridge } = scriptedClient(script());
    render(<DataSection client={client} />);
    fireEvent.change(screen.getByTestId('import-kind'), { target: { value: 'preference' } });
    fireEvent.change(screen.getByTestId('import-max-length'), { target: { value: '160' } });
    const file = new File([FILE_TEXT], 'pairs.jsonl', { type: 'application/jsonl' });
    fireEvent.change(screen.getByTestId('file-input'), { target: { files: [file] } });

    const problems = await screen.findByTestId('problems');
    expect(calls(bridge, 'datasets.upload')).toEqual([{ filename: 'pairs.jsonl', base64: btoa(FILE_TEXT) }]);
    expect(calls(bridge, 'datasets.import')).toEqual([
      { path: '/ws/uploads/pairs.jsonl', kind: 'preference', maxLength: 160, invalid: 'refuse', truncate: false },
    ]);
    expect(screen.getByTestId('import-report').getAttribute('data-imported')).toBe('false');
    const first = within(problems).getByTestId('problem-0');
    expect([...first.querySelectorAll('td')].map((cell) => cell.textContent)).toEqual([
      '7',
      'chosen',
      'chosen == rejected',
      'error',
    ]);
    expect(within(problems).getByTestId('problem-1').textContent).toContain('12');
    expect(within(problems).getByTestId('problem-1').textContent).toContain('invalid JSON');
    expect(screen.getAllByTestId('histogram-bar').map((bar) => bar.getAttribute('data-count'))).toEqual([
      '30',
      '17',
      '3',
    ]);
    expect(screen.getByTestId('histogram').textContent).toContain('3 rows longer');

    fireEvent.click(screen.getByTestId('import-drop'));
    await waitFor(() => expect(calls(bridge, 'datasets.import')).toHaveLength(2));
    expect(calls(bridge, 'datasets.import')[1]).toMatchObject({
      path: '/ws/uploads/pairs.jsonl',
      invalid: 'drop',
      truncate: false,
    });
    await waitFor(() => expect(screen.queryByTestId('import-drop')).toBeNull());

    fireEvent.click(screen.getByTestId('import-truncate'));
    await waitFor(() => expect(screen.getByTestId('import-report').getAttribute('data-imported')).toBe('true'));
    expect(calls(bridge, 'datasets.import')[2]).toMatchObject({ invalid: 'drop', truncate: true });
    // Uploaded once; the list is read again once the import went through, and shows the new dataset.
    expect(calls(bridge, 'datasets.upload')).toHaveLength(1);
    expect(await screen.findByTestId('dataset-pairs')).toBeTruthy();
  });

  it('imports a file dropped on the drop zone', async () => {
    const { client, bridge } = scriptedClient(script());
    render(<DataSection client={client} />);
    const file = new File([FILE_TEXT], 'dropped.jsonl');
    fireEvent.drop(screen.getByTestId('drop-zone'), { dataTransfer: { files: [file] } });
    await screen.findByTestId('import-report');
    expect(calls(bridge, 'datasets.upload')).toEqual([{ filename: 'dropped.jsonl', base64: btoa(FILE_TEXT) }]);
    expect(calls(bridge, 'datasets.import')).toHaveLength(1);
  });

  it('shows a failed upload in the import panel only', async () => {
    const { client } = scriptedClient(
      script({
        'datasets.upload': () => {
          throw new Error('file too large');
        },
      }),
    );
    render(<DataSection client={client} />);
    fireEvent.change(screen.getByTestId('file-input'), { target: { files: [new File(['x'], 'big.jsonl')] } });
    expect((await screen.findByTestId('data-import-error')).textContent).toContain('file too large');
    expect(screen.getAllByRole('alert')).toHaveLength(1);
    expect(screen.getByTestId('data-list').textContent).toContain('No dataset yet');
  });
});

describe('previewing a dataset', () => {
  const rows = [
    {
      index: 0,
      row: { prompt: 'Hi', chosen: 'Hello!', rejected: 'Go away.' },
      rendered: '<user>Hi</user><assistant>Hello!',
    },
    { index: 1, row: { prompt: 'Bye', chosen: 'See you.', rejected: 'Whatever.' }, rendered: '<user>Bye</user>' },
  ];

  it('shows the rendered rows page by page, and relabels a pair by swapping chosen and rejected', async () => {
    const { client, bridge } = scriptedClient({
      'datasets.list': () => ({ datasets: [PAIRS] }),
      'models.list': () => ({ models: [] }),
      'datasets.preview': () => ({ total: 45, rows }),
      'datasets.updateRow': (payload) => ({ index: (payload as { index: number }).index }),
    });
    render(<DataSection client={client} />);
    fireEvent.click(await screen.findByTestId('dataset-pairs'));
    expect((await screen.findByTestId('rendered-0')).textContent).toBe('<user>Hi</user><assistant>Hello!');
    expect(screen.getByTestId('preview-row-1').textContent).toContain('Whatever.');
    expect(calls(bridge, 'datasets.preview')).toEqual([{ name: 'pairs', offset: 0, limit: 20 }]);
    expect(screen.getByTestId('preview-range').textContent).toContain('rows 1–20 of 45');

    fireEvent.click(screen.getByTestId('swap-1'));
    await waitFor(() => expect(calls(bridge, 'datasets.preview')).toHaveLength(2));
    expect(calls(bridge, 'datasets.updateRow')).toEqual([
      { name: 'pairs', index: 1, row: { prompt: 'Bye', chosen: 'Whatever.', rejected: 'See you.' } },
    ]);

    fireEvent.click(screen.getByTestId('preview-next'));
    await waitFor(() =>
      expect(calls(bridge, 'datasets.preview').at(-1)).toEqual({ name: 'pairs', offset: 20, limit: 20 }),
    );
  });

  it('keeps a failing relabel inside its row', async () => {
    const { client } = scriptedClient({
      'datasets.list': () => ({ datasets: [PAIRS] }),
      'models.list': () => ({ models: [] }),
      'datasets.preview': () => ({ total: 2, rows }),
      'datasets.updateRow': () => {
        throw new Error('row 0: chosen == rejected');
      },
    });
    render(<DataSection client={client} />);
    fireEvent.click(await screen.findByTestId('dataset-pairs'));
    fireEvent.click(await screen.findByTestId('swap-0'));
    expect((await screen.findByTestId('row-error-0')).textContent).toContain('chosen == rejected');
    expect(screen.getAllByRole('alert')).toHaveLength(1);
  });
});

describe('a long import', () => {
  it("shows the engine's phase while it runs and cancels it with the job id it was started with", async () => {
    let finish: (error: Error) => void = () => {};
    const { client, bridge } = scriptedClient(
      script({
        'datasets.import': () => new Promise((_, reject) => (finish = reject)),
        'jobs.cancel': () => ({ cancelled: true }),
      }),
    );
    render(<DataSection client={client} />);
    const file = new File([FILE_TEXT], 'pairs.jsonl', { type: 'application/jsonl' });
    fireEvent.change(screen.getByTestId('file-input'), { target: { files: [file] } });
    await waitFor(() => expect(calls(bridge, 'datasets.import')).toHaveLength(1));
    const started = bridge.calls.find((call) => call.verb === 'datasets.import')?.payload as { jobId?: string };
    const jobId = started?.jobId as string;
    bridge.emit('job.progress', { jobId, phase: 'validating', done: 0, total: null });
    bridge.emit('job.progress', { jobId: 'someone-else', phase: 'writing', done: 0, total: null });
    await waitFor(() => expect(screen.getByTestId('import-pending').getAttribute('data-phase')).toBe('validating'));
    fireEvent.click(screen.getByTestId('import-cancel'));
    await waitFor(() =>
      expect(bridge.calls.filter((call) => call.verb === 'jobs.cancel').map((call) => call.payload)).toEqual([
        { jobId },
      ]),
    );
    finish(new Error('cancelled before writing; nothing was written'));
    expect((await screen.findByTestId('data-import-error')).textContent).toContain('nothing was written');
  });
});

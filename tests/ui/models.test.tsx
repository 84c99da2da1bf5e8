// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { lineageLayout, lineagePaths } from '../../renderer/src/models/lineage';
import { ModelsSection } from '../../renderer/src/sections/ModelsSection';
import { modelSummary } from './fixtures';
import { type ScriptedBridge, scriptedClient, type VerbScript } from './mock-client';

const LINEAGE = [
  modelSummary('base'),
  modelSummary('base-sft', { parent: 'base', method: 'sft' }),
  modelSummary('base-sft-dpo', { parent: 'base-sft', method: 'dpo' }),
  modelSummary('base-rm', { parent: 'base-sft', method: 'reward' }),
  modelSummary('gpt2', { architecture: 'gpt2', modelType: 'gpt2', parameters: 124_000_000 }),
];

/** The payloads sent for a verb; imports and exports carry a fresh job id (checked), left out of the comparison. */
function callsOf(bridge: ScriptedBridge, verb: string) {
  return bridge.calls
    .filter((call) => call.verb === verb)
    .map((call) => {
      const { jobId, ...rest } = call.payload as { jobId?: unknown };
      if (verb === 'models.import' || verb === 'models.export') expect(typeof jobId).toBe('string');
      return rest;
    });
}

/** A workspace whose models.delete really removes the model, so the list read after it changes. */
function workspaceScript(extra: VerbScript = {}): VerbScript {
  let models = [...LINEAGE];
  return {
    'models.list': () => ({ models }),
    'models.delete': (payload) => {
      const { name } = payload as { name: string };
      models = models.filter((model) => model.name !== name);
      return { deleted: name };
    },
    ...extra,
  };
}

async function renderModels(script: VerbScript = workspaceScript()) {
  const { client, bridge } = scriptedClient(script);
  render(<ModelsSection client={client} />);
  await screen.findByTestId('model-row-base');
  return bridge;
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

afterEach(cleanup);

describe('lineage', () => {
  it('lays models out by depth, a parent on the row of its first child', () => {
    const layout = lineageLayout(LINEAGE);
    const at = (name: string) => layout.nodes.find((node) => node.name === name);
    expect(at('base')).toMatchObject({ depth: 0, row: 0 });
    expect(at('base-sft')).toMatchObject({ depth: 1, row: 0 });
    expect(at('base-sft-dpo')).toMatchObject({ depth: 2, row: 0 });
    expect(at('base-rm')).toMatchObject({ depth: 2, row: 1 });
    expect(at('gpt2')).toMatchObject({ depth: 0, row: 2 });
    expect(layout).toMatchObject({ columns: 3, rows: 3 });
    expect(lineagePaths(layout)).toEqual(['base → base-sft → base-sft-dpo', 'base → base-sft → base-rm', 'gpt2']);
  });

  it('survives a parent that is gone and a parent cycle', () => {
    const layout = lineageLayout([
      modelSummary('orphan', { parent: 'deleted-base', method: 'sft' }),
      modelSummary('x', { parent: 'y' }),
      modelSummary('y', { parent: 'x' }),
    ]);
    expect(layout.nodes.map((node) => node.name).sort()).toEqual(['orphan', 'x', 'y']);
    expect(layout.edges).toEqual([
      { from: 'y', to: 'x' },
      { from: 'x', to: 'y' },
    ]);
  });

  it('lists each model with parent → child and draws the lineage graph', async () => {
    await renderModels();
    expect(screen.getByTestId('model-lineage-base-sft').textContent).toBe('base → base-sft');
    expect(screen.getByTestId('model-lineage-base-sft-dpo').textContent).toBe('base-sft → base-sft-dpo');
    expect(screen.getByTestId('model-lineage-base').textContent).toBe('imported');
    expect(screen.getByTestId('model-row-gpt2').textContent).toContain('124M');

    const graph = screen.getByTestId('lineage-graph');
    expect(graph.getAttribute('aria-label')).toContain('base → base-sft → base-sft-dpo');
    expect(graph.querySelectorAll('.lineage-node')).toHaveLength(5);
    expect(screen.getByTestId('lineage-edge-base-base-sft')).toBeTruthy();
    expect(screen.getByTestId('lineage-edge-base-sft-base-sft-dpo')).toBeTruthy();
    expect(screen.getByTestId('lineage-edge-base-sft-base-rm')).toBeTruthy();
    expect(screen.getByTestId('lineage-node-base-sft-dpo').getAttribute('data-method')).toBe('dpo');
  });
});

describe('delete', () => {
  it('asks in a modal that names the model; Cancel deletes nothing', async () => {
    const bridge = await renderModels();
    fireEvent.click(screen.getByTestId('delete-base-sft'));
    const dialog = screen.getByTestId('delete-dialog') as HTMLDialogElement;
    expect(dialog.open).toBe(true);
    expect(dialog.textContent).toContain('Delete base-sft?');
    expect(dialog.textContent).toContain('Trained from it: base-sft-dpo, base-rm');
    expect(document.activeElement).toBe(screen.getByTestId('delete-cancel'));

    fireEvent.click(screen.getByTestId('delete-cancel'));
    expect(screen.queryByTestId('delete-dialog')).toBeNull();
    expect(callsOf(bridge, 'models.delete')).toEqual([]);
    expect(screen.getByTestId('model-row-base-sft')).toBeTruthy();
  });

  it('deletes only after the confirmation, then reads the list again', async () => {
    const bridge = await renderModels();
    fireEvent.click(screen.getByTestId('delete-base-rm'));
    expect(callsOf(bridge, 'models.delete')).toEqual([]);
    fireEvent.click(screen.getByTestId('delete-confirm'));
    await waitFor(() => expect(screen.queryByTestId('model-row-base-rm')).toBeNull());
    expect(callsOf(bridge, 'models.delete')).toEqual([{ name: 'base-rm' }]);
    expect(screen.queryByTestId('delete-dialog')).toBeNull();
    expect(screen.queryByTestId('lineage-node-base-rm')).toBeNull();
  });

  it('shows a refused delete in the dialog, which stays open', async () => {
    const refusal = workspaceScript({
      'models.delete': () => {
        throw new Error('run r7 is queued or running on base: stop it first');
      },
    });
    await renderModels(refusal);
    fireEvent.click(screen.getByTestId('delete-base'));
    fireEvent.click(screen.getByTestId('delete-confirm'));
    expect((await screen.findByTestId('delete-error')).textContent).toContain('stop it first');
    expect(screen.getByTestId('delete-dialog')).toBeTruthy();
    expect(screen.getByTestId('model-row-base')).toBeTruthy();
  });
});

describe('import and export', () => {
  it('imports a llama2.c checkpoint with its tokenizer, and a Hugging Face folder without one', async () => {
    const imported = modelSummary('stories');
    const bridge = await renderModels(workspaceScript({ 'models.import': () => imported }));
    expect(screen.getByTestId('import-tokenizer')).toHaveProperty('disabled', true);
    fireEvent.change(screen.getByTestId('import-path'), { target: { value: '/m/stories260K.bin' } });
    fireEvent.change(screen.getByTestId('import-tokenizer'), { target: { value: '/m/tok512.bin' } });
    fireEvent.click(screen.getByTestId('import-model'));
    expect((await screen.findByTestId('import-result')).textContent).toContain('Imported stories');

    fireEvent.change(screen.getByTestId('import-path'), { target: { value: '/m/SmolLM-135M' } });
    fireEvent.change(screen.getByTestId('import-name'), { target: { value: 'smol' } });
    fireEvent.click(screen.getByTestId('import-model'));
    await waitFor(() => expect(callsOf(bridge, 'models.import')).toHaveLength(2));
    expect(callsOf(bridge, 'models.import')).toEqual([
      { path: '/m/stories260K.bin', tokenizer: '/m/tok512.bin' },
      { path: '/m/SmolLM-135M', name: 'smol' },
    ]);
    await waitFor(() => expect(callsOf(bridge, 'models.list').length).toBeGreaterThanOrEqual(3));
  });

  it('shows a failed import in its panel', async () => {
    const failing = workspaceScript({
      'models.import': () => {
        throw new Error('/m/nothing: no config.json');
      },
    });
    await renderModels(failing);
    fireEvent.change(screen.getByTestId('import-path'), { target: { value: '/m/nothing' } });
    fireEvent.click(screen.getByTestId('import-model'));
    expect((await screen.findByTestId('models-import-error')).textContent).toContain('no config.json');
  });

  it('exports the chosen model as ONNX, showing the pending state until it is written', async () => {
    const exported = deferred<{ out: string }>();
    const bridge = await renderModels(workspaceScript({ 'models.export': () => exported.promise }));
    fireEvent.click(screen.getByRole('button', { name: 'Export base-sft-dpo' }));
    expect((screen.getByTestId('export-model') as HTMLSelectElement).value).toBe('base-sft-dpo');
    fireEvent.change(screen.getByTestId('export-format'), { target: { value: 'onnx' } });
    fireEvent.change(screen.getByTestId('export-out'), { target: { value: '/tmp/out' } });
    fireEvent.click(screen.getByTestId('export-model-button'));

    await waitFor(() => expect(screen.getByTestId('export-model-button').textContent).toBe('Exporting: starting…'));
    expect(callsOf(bridge, 'models.export')).toEqual([{ name: 'base-sft-dpo', format: 'onnx', out: '/tmp/out' }]);
    await act(async () => exported.resolve({ out: '/tmp/out' }));
    expect(screen.getByTestId('export-result').textContent).toBe('Exported to /tmp/out.');
  });
});

import { type FormEvent, useState } from 'react';
import type { ModelSummary } from '../../../preload/contract';
import { useAction } from '../app/useAction';
import { useJob } from '../app/useJob';
import type { WorkbenchClient } from '../client/client';
import { Panel } from '../components/Panel';

type ExportFormat = 'hf' | 'onnx';

/** A model out as a Hugging Face folder (transformers loads it) or an ONNX graph. */
export function ExportModel({
  client,
  models,
  selected,
  onSelect,
}: {
  client: WorkbenchClient;
  models: ModelSummary[];
  selected: string;
  onSelect: (name: string) => void;
}) {
  const [format, setFormat] = useState<ExportFormat>('hf');
  const [out, setOut] = useState('');
  const job = useJob(client);
  const exportModel = useAction(() =>
    client.call('models.export', { name: selected, format, out: out.trim(), jobId: job.start() }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    exportModel.run();
  };
  return (
    <Panel title="Export a model" testId="models-export" error={exportModel.error}>
      <form className="form-grid" onSubmit={submit}>
        <label>
          Model
          <select data-testid="export-model" value={selected} onChange={(event) => onSelect(event.target.value)}>
            {models.map((model) => (
              <option key={model.name} value={model.name}>
                {model.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Format
          <select
            data-testid="export-format"
            value={format}
            onChange={(event) => setFormat(event.target.value as ExportFormat)}
          >
            <option value="hf">Hugging Face folder</option>
            <option value="onnx">ONNX</option>
          </select>
        </label>
        <label>
          Output folder
          <input data-testid="export-out" value={out} onChange={(event) => setOut(event.target.value)} />
        </label>
        <button
          type="submit"
          data-testid="export-model-button"
          disabled={!selected || !out.trim() || exportModel.pending}
        >
          {exportModel.pending ? `Exporting: ${job.phase ?? 'starting'}…` : 'Export'}
        </button>
        {exportModel.pending ? (
          <button type="button" data-testid="export-cancel" onClick={job.cancel}>
            Cancel
          </button>
        ) : null}
      </form>
      {exportModel.result && !exportModel.pending ? (
        <p role="status" data-testid="export-result">
          Exported to {exportModel.result.out}.
        </p>
      ) : null}
    </Panel>
  );
}

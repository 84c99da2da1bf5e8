import { useState } from 'react';
import type { ModelSummary } from '../../../preload/contract';
import type { WorkbenchClient } from '../client/client';
import { Panel } from '../components/Panel';
import { useVerb } from '../hooks/useVerb';
import { LengthHistogram } from './LengthHistogram';
import { PreviewRow } from './PreviewRow';

const PAGE = 20;

interface DatasetPreviewProps {
  client: WorkbenchClient;
  name: string;
  models: ModelSummary[];
}

/** A page of a dataset's rows as the model will see them, with the chat template of a chosen model. */
export function DatasetPreview({ client, name, models }: DatasetPreviewProps) {
  const [offset, setOffset] = useState(0);
  const [model, setModel] = useState('');
  const preview = useVerb(client, 'datasets.preview', { name, offset, limit: PAGE, ...(model ? { model } : {}) });
  const total = preview.data?.total ?? 0;
  const last = Math.min(offset + PAGE, total);

  return (
    <Panel
      title={`Preview: ${name}`}
      testId="data-preview"
      error={preview.error}
      actions={
        <label className="field">
          Chat template of
          <select data-testid="preview-model" value={model} onChange={(e) => setModel(e.target.value)}>
            <option value="">the dataset's default</option>
            {models.map((candidate) => (
              <option key={candidate.name}>{candidate.name}</option>
            ))}
          </select>
        </label>
      }
    >
      <div className="pager">
        <button
          type="button"
          data-testid="preview-prev"
          disabled={offset === 0}
          onClick={() => setOffset(Math.max(0, offset - PAGE))}
        >
          Previous
        </button>
        <span data-testid="preview-range">
          {total === 0 ? 'no rows' : `rows ${offset + 1}–${last} of ${total}`}
          {preview.loading ? ' · loading…' : ''}
        </span>
        <button
          type="button"
          data-testid="preview-next"
          disabled={last >= total}
          onClick={() => setOffset(offset + PAGE)}
        >
          Next
        </button>
      </div>
      {preview.data?.histogram ? <LengthHistogram histogram={preview.data.histogram} /> : null}
      <ol className="preview-rows">
        {preview.data?.rows.map((entry) => (
          <PreviewRow
            key={entry.index}
            client={client}
            dataset={name}
            index={entry.index}
            row={entry.row}
            rendered={entry.rendered}
            onEdited={preview.reload}
          />
        ))}
      </ol>
    </Panel>
  );
}

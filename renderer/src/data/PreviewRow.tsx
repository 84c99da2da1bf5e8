import { useState } from 'react';
import type { WorkbenchClient } from '../client/client';

interface PreviewRowProps {
  client: WorkbenchClient;
  dataset: string;
  index: number;
  row: Record<string, unknown>;
  rendered: string;
  /** After an edit: read the page again. */
  onEdited: () => void;
}

function fieldText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value, null, 1);
}

/** One row: the text the model sees (chat template applied), its fields, and for a pair the relabel button. */
export function PreviewRow({ client, dataset, index, row, rendered, onEdited }: PreviewRowProps) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  const isPair = 'chosen' in row && 'rejected' in row;

  const swap = () => {
    setPending(true);
    setError(undefined);
    const swapped = { ...row, chosen: row.rejected, rejected: row.chosen };
    client.call('datasets.updateRow', { name: dataset, index, row: swapped }).then(
      () => {
        setPending(false);
        onEdited();
      },
      (problem: Error) => {
        setPending(false);
        setError(`Relabel failed: ${problem.message}`);
      },
    );
  };

  return (
    <li className="preview-row" data-testid={`preview-row-${index}`}>
      <div className="preview-row-head">
        <span className="muted">row {index}</span>
        {isPair ? (
          <button type="button" data-testid={`swap-${index}`} disabled={pending} onClick={swap}>
            {pending ? 'Swapping…' : 'Swap chosen/rejected'}
          </button>
        ) : null}
      </div>
      <pre className="preview-rendered" data-testid={`rendered-${index}`}>
        {rendered}
      </pre>
      <dl className="preview-fields">
        {Object.entries(row).map(([field, value]) => (
          <div key={field} className="preview-field">
            <dt>{field}</dt>
            <dd>{fieldText(value)}</dd>
          </div>
        ))}
      </dl>
      {error ? (
        <p className="panel-error" role="alert" data-testid={`row-error-${index}`}>
          {error}
        </p>
      ) : null}
    </li>
  );
}

import { useState } from 'react';
import type { WorkbenchClient } from '../client/client';
import { Panel } from '../components/Panel';
import { useVerb } from '../hooks/useVerb';
import { DatasetList } from './DatasetList';
import { DatasetPreview } from './DatasetPreview';
import { ImportPanel } from './ImportPanel';
import './data.css';

/** Data: import with its validation report, the workspace's datasets, and a preview of the chosen one. */
export function DataWorkbench({ client }: { client: WorkbenchClient }) {
  const datasets = useVerb(client, 'datasets.list', {});
  const models = useVerb(client, 'models.list', {});
  const [selected, setSelected] = useState<string>();
  const modelList = models.data?.models ?? [];

  return (
    <div className="data-view">
      <ImportPanel client={client} models={modelList} onImported={datasets.reload} />
      <Panel title="Datasets" testId="data-list" error={datasets.error}>
        {datasets.data ? (
          <DatasetList datasets={datasets.data.datasets} selected={selected} onSelect={setSelected} />
        ) : (
          <p className="muted">Reading the datasets…</p>
        )}
      </Panel>
      {selected ? <DatasetPreview key={selected} client={client} name={selected} models={modelList} /> : null}
    </div>
  );
}

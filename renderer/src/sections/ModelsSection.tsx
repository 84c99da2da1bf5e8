import { useState } from 'react';
import type { WorkbenchClient } from '../client/client';
import { Panel } from '../components/Panel';
import { useVerb } from '../hooks/useVerb';
import { DeleteModelDialog } from '../models/DeleteModelDialog';
import { ExportModel } from '../models/ExportModel';
import { ImportModel } from '../models/ImportModel';
import { LineageGraph } from '../models/LineageGraph';
import { ModelTable } from '../models/ModelTable';

/** The workspace's models: their lineage as a table and a graph, import, export and delete. */
export function ModelsSection({ client }: { client: WorkbenchClient }) {
  const list = useVerb(client, 'models.list', {});
  const models = list.data?.models ?? [];
  const [exportName, setExportName] = useState<string>();
  const [deleteName, setDeleteName] = useState<string>();
  const exportTarget = exportName && models.some((model) => model.name === exportName) ? exportName : models[0]?.name;
  const refresh = (
    <button type="button" onClick={list.reload} disabled={list.loading}>
      {list.loading ? 'Refreshing…' : 'Refresh'}
    </button>
  );
  return (
    <div className="models">
      <Panel title="Models" testId="models-list" error={list.error} actions={refresh}>
        {list.data ? (
          <ModelTable models={models} onExport={setExportName} onDelete={setDeleteName} />
        ) : list.loading ? (
          <p className="muted">Reading the workspace’s models…</p>
        ) : null}
      </Panel>
      <Panel title="Lineage" testId="models-lineage">
        {list.data ? <LineageGraph models={models} /> : null}
      </Panel>
      <ImportModel client={client} onImported={list.reload} />
      <ExportModel client={client} models={models} selected={exportTarget ?? ''} onSelect={setExportName} />
      {deleteName ? (
        <DeleteModelDialog
          client={client}
          name={deleteName}
          trainedFromIt={models.filter((model) => model.parent === deleteName).map((model) => model.name)}
          onClose={() => setDeleteName(undefined)}
          onDeleted={() => {
            setDeleteName(undefined);
            list.reload();
          }}
        />
      ) : null}
    </div>
  );
}

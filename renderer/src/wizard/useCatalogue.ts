/**
 * The workspace's models and datasets, read on mount and again on demand (after "Use the demo's data" imported new
 * ones); `refresh` resolves with the fresh lists so the caller can fill the form from them at once.
 */
import { useCallback, useEffect, useState } from 'react';
import type { DatasetSummary, ModelSummary } from '../../../preload/contract';
import type { WorkbenchClient } from '../client/client';

export interface Catalogue {
  models: ModelSummary[] | undefined;
  datasets: DatasetSummary[] | undefined;
  modelsError: string | undefined;
  datasetsError: string | undefined;
  refresh: () => Promise<{ models: ModelSummary[]; datasets: DatasetSummary[] }>;
}

export function useCatalogue(client: WorkbenchClient): Catalogue {
  const [models, setModels] = useState<ModelSummary[]>();
  const [datasets, setDatasets] = useState<DatasetSummary[]>();
  const [modelsError, setModelsError] = useState<string>();
  const [datasetsError, setDatasetsError] = useState<string>();

  const refresh = useCallback(async () => {
    const [modelReply, datasetReply] = await Promise.allSettled([
      client.call('models.list', {}),
      client.call('datasets.list', {}),
    ]);
    const fresh = { models: [] as ModelSummary[], datasets: [] as DatasetSummary[] };
    if (modelReply.status === 'fulfilled') fresh.models = modelReply.value.models;
    if (datasetReply.status === 'fulfilled') fresh.datasets = datasetReply.value.datasets;
    setModels(fresh.models);
    setDatasets(fresh.datasets);
    setModelsError(modelReply.status === 'rejected' ? (modelReply.reason as Error).message : undefined);
    setDatasetsError(datasetReply.status === 'rejected' ? (datasetReply.reason as Error).message : undefined);
    return fresh;
  }, [client]);

  useEffect(() => {
    refresh();
  }, [refresh]);

  return { models, datasets, modelsError, datasetsError, refresh };
}

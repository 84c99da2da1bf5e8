/** Contract objects the component tests share. */
import type { DatasetSummary, ModelSummary } from '../../preload/contract';

export function modelSummary(name: string, extra: Partial<ModelSummary> = {}): ModelSummary {
  return {
    name,
    architecture: 'llama',
    modelType: 'llama',
    parameters: 260_000,
    source: `/models/${name}`,
    layers: 5,
    hiddenSize: 64,
    vocabSize: 512,
    maxPositions: 512,
    createdAt: '2025-01-01T00:00:00.000Z',
    ...extra,
  };
}

export function datasetSummary(name: string, kind: DatasetSummary['kind'], rows: number): DatasetSummary {
  return {
    name,
    kind,
    format: 'standard',
    layout: 'trl',
    source: 'x',
    rows,
    accepted: rows,
    truncated: 0,
    createdAt: '2025-01-01T00:00:00.000Z',
  };
}

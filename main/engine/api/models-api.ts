/** models.*: the workspace's models with lineage, import, export (HF folder, ONNX) and delete. */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { ModelSummary } from '../../../preload/contract';
import { Catalogue, type ModelRecord } from '../catalogue/catalogue';
import { InputError } from '../errors';
import { configFromHf } from '../models/hf-config';
import { readJsonFile } from '../models/hf-folder';
import { exportHfFolder, importModel } from '../models/store';
import { exportOnnx } from '../onnx/export-model';
import { RunStore } from '../runs/run-store';
import type { ApiContext, VerbHandlers } from './context';
import type { Jobs } from './jobs';

type ModelVerbs = 'models.list' | 'models.import' | 'models.export' | 'models.delete';

/** The method of the run stage that produced a model (its source is `run:ID/STAGE`). */
function producingMethod(record: ModelRecord, runs: RunStore): string | undefined {
  const match = /^run:([^/]+)\/(.+)$/.exec(record.source);
  if (!match) return undefined;
  try {
    return runs.get(match[1] as string).stages.find((stage) => stage.name === match[2])?.method;
  } catch {
    return undefined; // the run folder was removed; the model stays
  }
}

export async function modelSummary(workspace: string, record: ModelRecord, runs: RunStore): Promise<ModelSummary> {
  const configFile = path.join(workspace, record.folder, 'config.json');
  const config = configFromHf(await readJsonFile(configFile), configFile);
  const method = producingMethod(record, runs);
  return {
    name: record.name,
    architecture: record.architecture,
    modelType: record.modelType,
    parameters: record.parameters,
    source: record.source,
    ...(record.parent ? { parent: record.parent } : {}),
    ...(method ? { method } : {}),
    layers: config.numLayers,
    hiddenSize: config.hiddenSize,
    vocabSize: config.vocabSize,
    maxPositions: config.maxPositions,
    createdAt: record.createdAt,
  };
}

export function modelsApi(
  { workspace }: ApiContext,
  jobs: Jobs,
  inUse: (model: string) => Promise<string | undefined>,
) {
  const handlers: VerbHandlers<ModelVerbs> = {
    'models.list': async () => {
      const runs = await RunStore.open(workspace);
      const records = (await Catalogue.peek(workspace)).models;
      return { models: await Promise.all(records.map((record) => modelSummary(workspace, record, runs))) };
    },
    'models.import': ({ path: source, tokenizer, name, jobId }) =>
      jobs.run(jobId, async (onPhase) => {
        const record = await importModel(workspace, source, { name, tokenizer, onPhase });
        return modelSummary(workspace, record, await RunStore.open(workspace));
      }),
    'models.export': ({ name, format, out, jobId }) =>
      jobs.run(jobId, async (onPhase) => {
        onPhase(format === 'hf' ? 'copying the folder' : 'building the ONNX graph');
        if (format === 'hf') await exportHfFolder(workspace, name, out);
        else await exportOnnx(workspace, name, out);
        return { out: path.resolve(out) };
      }),
    'models.delete': async ({ name }) => {
      const catalogue = await Catalogue.open(workspace);
      const record = catalogue.findModel(name);
      if (!record) throw new InputError(`no model named "${name}" in the workspace`);
      const run = await inUse(name);
      if (run) throw new InputError(`run ${run} is queued or running on ${name}: stop it first`);
      await catalogue.removeModel(name);
      await rm(path.join(workspace, record.folder), { recursive: true, force: true });
      return { deleted: name };
    },
  };
  return handlers;
}

/** `awb models export NAME --format onnx`: the decoder graph with its weights, beside config and tokenizer files. */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors';
import { findModel, loadModel } from '../models/store';
import { buildDecoderGraph } from './decoder-graph';

export async function exportOnnx(
  workspace: string,
  name: string,
  out: string,
  options: { weightsAsInputs?: boolean } = {},
): Promise<string> {
  if (existsSync(out) && (await readdir(out)).length > 0)
    throw new InputError('the output folder exists and is not empty', out);
  const record = await findModel(workspace, name);
  const { model } = await loadModel(workspace, name);
  const graph = buildDecoderGraph(model.config, options.weightsAsInputs ? undefined : await model.tensors());
  model.dispose();
  await mkdir(out, { recursive: true });
  const file = path.join(out, 'model.onnx');
  await writeFile(file, graph);
  const folder = path.join(workspace, record.folder);
  for (const entry of await readdir(folder)) {
    if (!entry.endsWith('.safetensors')) await copyFile(path.join(folder, entry), path.join(out, entry));
  }
  return file;
}

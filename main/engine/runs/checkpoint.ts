/**
 * Checkpoints that a resumed run continues from exactly: every parameter under its engine name (adapters and heads
 * included), the optimizer's moments, the step and the sampler's state. Written into a staging folder, fsynced, then
 * renamed into place, so a crash or a kill leaves either the whole checkpoint or none of it.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { readSafetensorsFile, writeSafetensorsFile } from '../io/safetensors';
import type { Params } from '../models/layers';
import type { AdamWState } from '../training/adamw';
import type { SamplerState } from './sampler';

export interface TrainerState {
  step: number;
  sampler: SamplerState;
}

const PARAMS_FILE = 'params.safetensors';
const OPTIMIZER_FILE = 'optimizer.safetensors';
const STATE_FILE = 'trainer_state.json';

export const checkpointName = (step: number) => `checkpoint-${String(step).padStart(6, '0')}`;

async function paramTensors(params: Params) {
  return Promise.all(
    Object.entries(params).map(async ([name, variable]) => ({
      name,
      shape: variable.shape,
      data: (await variable.data()) as Float32Array,
    })),
  );
}

function momentTensors(state: AdamWState, params: Params) {
  return Object.keys(state.firstMoments).flatMap((name) => {
    const shape = (params[name] as tf.Variable).shape;
    return [
      { name: `m.${name}`, shape, data: state.firstMoments[name] as Float32Array },
      { name: `v.${name}`, shape, data: state.secondMoments[name] as Float32Array },
    ];
  });
}

export async function saveCheckpoint(
  folder: string,
  step: number,
  params: Params,
  optimizer: AdamWState,
  state: TrainerState,
): Promise<string> {
  const staging = path.join(folder, `.staging-${randomUUID()}`);
  const final = path.join(folder, checkpointName(step));
  await mkdir(staging, { recursive: true });
  try {
    await writeSafetensorsFile(path.join(staging, PARAMS_FILE), await paramTensors(params));
    await writeSafetensorsFile(path.join(staging, OPTIMIZER_FILE), momentTensors(optimizer, params), {
      step: String(optimizer.step),
    });
    await writeFile(path.join(staging, STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
    await rm(final, { recursive: true, force: true });
    await rename(staging, final);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  return final;
}

/** The newest complete checkpoint in `folder` (staging folders are ignored), or undefined. */
export async function latestCheckpoint(folder: string): Promise<string | undefined> {
  if (!existsSync(folder)) return undefined;
  const names = (await readdir(folder)).filter((name) => /^checkpoint-\d+$/.test(name)).sort();
  return names.length > 0 ? path.join(folder, names.at(-1) as string) : undefined;
}

export interface LoadedCheckpoint {
  params: Record<string, Float32Array>;
  optimizer: AdamWState;
  state: TrainerState;
}

export async function loadCheckpoint(checkpoint: string): Promise<LoadedCheckpoint> {
  const params = Object.fromEntries(
    (await readSafetensorsFile(path.join(checkpoint, PARAMS_FILE))).tensors.map((t) => [
      t.name,
      t.data as Float32Array,
    ]),
  );
  const moments = await readSafetensorsFile(path.join(checkpoint, OPTIMIZER_FILE));
  const pick = (prefix: string) =>
    Object.fromEntries(
      moments.tensors
        .filter((t) => t.name.startsWith(prefix))
        .map((t) => [t.name.slice(prefix.length), t.data as Float32Array]),
    );
  const optimizer = { step: Number(moments.metadata.step), firstMoments: pick('m.'), secondMoments: pick('v.') };
  const state = JSON.parse(await readFile(path.join(checkpoint, STATE_FILE), 'utf8')) as TrainerState;
  return { params, optimizer, state };
}

/** Puts saved values into the model's variables (which must have the same names and shapes). */
export function restoreParams(params: Params, saved: Record<string, Float32Array>): void {
  for (const [name, variable] of Object.entries(params)) {
    const data = saved[name];
    if (!data) throw new Error(`the checkpoint has no parameter ${name}`);
    variable.assign(tf.tensor(data, variable.shape));
  }
}

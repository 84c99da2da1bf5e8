/**
 * Chooses the tensor backend at engine start: the best available of tensorflow → webgpu → wasm → cpu, or the one that
 * AWB_BACKEND forces. Every backend is probed so that the engine can say why the others are unavailable.
 */
import * as tf from '@tensorflow/tfjs';
import {
  BACKEND_NAMES,
  type BackendAvailability,
  type BackendName,
  type Device,
  isBackendName,
} from '../../../preload/contract';
import { type BackendProbe, defaultProbes } from './probes';

/** AWB_BACKEND names no backend: a usage error (exit code 2). */
export class BackendChoiceError extends Error {
  readonly exitCode = 2;
  constructor(requested: string) {
    super(`AWB_BACKEND=${JSON.stringify(requested)} is not a backend; valid choices: ${BACKEND_NAMES.join(', ')}`);
    this.name = 'BackendChoiceError';
  }
}

/** The forced backend cannot run here: a runtime failure (exit code 1). */
export class BackendUnavailableError extends Error {
  readonly exitCode = 1;
  constructor(
    readonly backend: BackendName,
    readonly reason: string,
    readonly backends: BackendAvailability[],
  ) {
    super(`backend ${backend} was forced (AWB_BACKEND) but is unavailable: ${reason}`);
    this.name = 'BackendUnavailableError';
  }
}

export interface BackendSelection {
  backend: BackendName;
  forced: boolean;
  backends: BackendAvailability[];
  gpus: Device[];
}

/** Reads a forced backend from the environment value; undefined or empty means "choose the best". */
export function parseForcedBackend(value: string | undefined): BackendName | undefined {
  const trimmed = value?.trim().toLowerCase();
  if (!trimmed) return undefined;
  if (!isBackendName(trimmed)) throw new BackendChoiceError(value ?? '');
  return trimmed;
}

async function probeAll(probes: Record<BackendName, BackendProbe>) {
  const backends: BackendAvailability[] = [];
  const gpus: Device[] = [];
  for (const name of BACKEND_NAMES) {
    const result = await probes[name].probe().catch((error: unknown) => ({
      available: false,
      detail: `probe failed: ${error instanceof Error ? error.message : String(error)}`,
      device: undefined,
    }));
    backends.push({ name, available: result.available, detail: result.detail });
    if (result.device) gpus.push(result.device);
  }
  return { backends, gpus };
}

export async function selectBackend(options: {
  forced?: string;
  probes?: Record<BackendName, BackendProbe>;
}): Promise<BackendSelection> {
  const forced = parseForcedBackend(options.forced);
  // Production mode: no debug checks, and no console banner suggesting tfjs-node when it is already known to be absent.
  tf.enableProdMode();
  const probes = options.probes ?? defaultProbes();
  const { backends, gpus } = await probeAll(probes);
  const candidates = forced
    ? [forced]
    : BACKEND_NAMES.filter((name) => backends.find((b) => b.name === name)?.available);
  for (const name of candidates) {
    const entry = backends.find((b) => b.name === name) as BackendAvailability;
    if (!entry.available) throw new BackendUnavailableError(name, entry.detail, backends);
    try {
      entry.detail = (await probes[name].activate()) ?? entry.detail;
      return { backend: name, forced: forced !== undefined, backends, gpus };
    } catch (error) {
      entry.available = false;
      entry.detail = `failed to initialise: ${error instanceof Error ? error.message : String(error)}`;
      if (forced) throw new BackendUnavailableError(name, entry.detail, backends);
    }
  }
  throw new Error(`no tensor backend could start: ${backends.map((b) => `${b.name}: ${b.detail}`).join('; ')}`);
}

/**
 * The engine: owns the tensor backend and answers the contract's engine verbs. It has no `electron` import, so it runs
 * the same in the engine process, in the CLI and in tests.
 */
import os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import {
  type Device,
  type EngineInfo,
  parseRequest,
  type VerbName,
  type VerbResponse,
  verbs,
} from '../../preload/contract';
import type { BackendProbe } from './backends/probes';
import { type BackendSelection, selectBackend } from './backends/select';
import { VERSION } from './version';

export type EngineVerb = { [V in VerbName]: (typeof verbs)[V]['handledBy'] extends 'engine' ? V : never }[VerbName];

export interface EngineOptions {
  workspace: string;
  /** AWB_BACKEND's value, if any. */
  forcedBackend?: string;
  probes?: Parameters<typeof selectBackend>[0]['probes'] & Record<string, BackendProbe>;
}

function cpuDevice(): Device {
  const cpus = os.cpus();
  return { kind: 'cpu', name: cpus[0]?.model.trim() || os.arch(), cores: cpus.length, memoryBytes: os.totalmem() };
}

export class Engine {
  private constructor(
    readonly workspace: string,
    readonly selection: BackendSelection,
  ) {}

  /** Selects the backend; rejects with BackendChoiceError / BackendUnavailableError when AWB_BACKEND cannot be met. */
  static async start(options: EngineOptions): Promise<Engine> {
    const selection = await selectBackend({ forced: options.forcedBackend, probes: options.probes });
    return new Engine(options.workspace, selection);
  }

  get backend() {
    return this.selection.backend;
  }

  info(): EngineInfo {
    const memory = tf.memory();
    return {
      version: VERSION,
      backend: this.selection.backend,
      forced: this.selection.forced,
      backends: this.selection.backends.map((b) => ({ ...b })),
      devices: [cpuDevice(), ...this.selection.gpus],
      memory: {
        systemTotalBytes: os.totalmem(),
        systemFreeBytes: os.freemem(),
        engineRssBytes: process.memoryUsage().rss,
        tensorBytes: memory.numBytes,
        numTensors: memory.numTensors,
      },
      runtime: {
        node: process.versions.node,
        electron: process.versions.electron,
        platform: process.platform,
        arch: process.arch,
        pid: process.pid,
      },
      workspace: this.workspace,
    };
  }

  private readonly handlers: { [V in EngineVerb]: (payload: unknown) => Promise<VerbResponse<V>> } = {
    'engine.info': async () => this.info(),
  };

  /** Runs an engine verb after validating its payload (validation is repeated here: the engine trusts no caller). */
  async handle<V extends EngineVerb>(verb: V, payload: unknown): Promise<VerbResponse<V>> {
    const request = parseRequest(verb, payload);
    return this.handlers[verb](request);
  }

  static handles(verb: VerbName): verb is EngineVerb {
    return verbs[verb].handledBy === 'engine';
  }
}

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
import { advisorApi } from './api/advisor-api';
import { ChatModels, chatApi } from './api/chat-api';
import type { ApiContext, EmitEvent, ParsedRequest } from './api/context';
import { datasetsApi } from './api/datasets-api';
import { demoApi } from './api/demo-api';
import { Jobs } from './api/jobs';
import { modelsApi } from './api/models-api';
import { runsApi } from './api/runs-api';
import { votesApi } from './api/votes-api';
import type { BackendProbe } from './backends/probes';
import { type BackendSelection, selectBackend } from './backends/select';
import { RunQueue } from './runs/queue';
import type { Recipe, Stage } from './runs/recipe';
import { RunStore } from './runs/run-store';
import type { RunEvents } from './runs/runner';
import { VERSION } from './version';

export type EngineVerb = { [V in VerbName]: (typeof verbs)[V]['handledBy'] extends 'engine' ? V : never }[VerbName];

export interface EngineOptions {
  workspace: string;
  /** AWB_BACKEND's value, if any. */
  forcedBackend?: string;
  probes?: Parameters<typeof selectBackend>[0]['probes'] & Record<string, BackendProbe>;
  /** Where engine events go (the host, in the engine process); dropped when absent, as in the CLI. */
  emit?: EmitEvent;
  /** The shipped demo base model (resources/demo-base), for demo.setup. */
  demoBaseFolder?: string;
}

function cpuDevice(): Device {
  const cpus = os.cpus();
  return { kind: 'cpu', name: cpus[0]?.model.trim() || os.arch(), cores: cpus.length, memoryBytes: os.totalmem() };
}

type Handlers = { [V in EngineVerb]: (request: ParsedRequest<V>) => Promise<VerbResponse<V>> };

export class Engine {
  /** Runs train here one at a time; the UI's runs.* verbs queue them. */
  readonly queue: RunQueue;
  private readonly chatModels: ChatModels;
  private readonly handlers: Handlers;

  private constructor(
    readonly workspace: string,
    readonly selection: BackendSelection,
    options: EngineOptions,
  ) {
    const context: ApiContext = { workspace, emit: options.emit ?? (() => {}) };
    this.queue = new RunQueue(workspace, runEvents(context), (runId, level, message) =>
      context.emit('run.log', { runId, level, message, at: Date.now() }),
    );
    this.chatModels = new ChatModels(workspace);
    const jobs = new Jobs(context.emit);
    const models = modelsApi(context, jobs, (name) => this.activeRunOn(name));
    this.handlers = {
      'engine.info': async () => this.info(),
      ...models,
      'models.delete': async (request) => {
        const deleted = await models['models.delete'](request);
        this.chatModels.forget(request.name);
        return deleted;
      },
      ...datasetsApi(context, jobs),
      'jobs.cancel': async ({ jobId }) => ({ cancelled: jobs.cancel(jobId) }),
      ...demoApi(context, options.demoBaseFolder ?? ''),
      ...runsApi(context, this.queue),
      ...chatApi(context, this.chatModels),
      ...votesApi(context),
      ...advisorApi(context),
    };
  }

  /** Selects the backend; rejects with BackendChoiceError / BackendUnavailableError when AWB_BACKEND cannot be met. */
  static async start(options: EngineOptions): Promise<Engine> {
    const selection = await selectBackend({ forced: options.forcedBackend, probes: options.probes });
    return new Engine(options.workspace, selection, options);
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

  /** Runs an engine verb after validating its payload (validation is repeated here: the engine trusts no caller). */
  async handle<V extends EngineVerb>(verb: V, payload: unknown): Promise<VerbResponse<V>> {
    const request = parseRequest(verb, payload) as ParsedRequest<V>;
    return (this.handlers[verb] as (request: ParsedRequest<V>) => Promise<VerbResponse<V>>)(request);
  }

  static handles(verb: VerbName): verb is EngineVerb {
    return verbs[verb].handledBy === 'engine';
  }

  /** The id of a queued or running run whose recipe trains from `model`, if any. */
  private async activeRunOn(model: string): Promise<string | undefined> {
    const store = await RunStore.open(this.workspace);
    return store
      .list()
      .filter((run) => this.queue.isActive(run.id))
      .find((run) => {
        const recipe = run.recipe as Recipe & { stages: Stage[] };
        return recipe.base === model || recipe.stages.some((stage) => stage.base === model);
      })?.id;
  }
}

function runEvents(context: ApiContext): RunEvents {
  return {
    progress: (progress) => context.emit('run.progress', progress),
    status: (status) => context.emit('run.status', status),
    sample: (sample) => context.emit('run.sample', sample),
  };
}

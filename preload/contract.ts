/**
 * The single contract between the UI and the engine.
 *
 * Main, preload, renderer, the headless server and the engine process all compile against this file. Every verb has a
 * request and a response schema, every event a payload schema; payloads are validated at each boundary, so a malformed
 * message is rejected with a message naming the problem and never reaches the engine.
 */
import { z } from 'zod';
import { AdvisorInputSchema, RecommendationSchema } from '../main/engine/advisor/types';

// ---------------------------------------------------------------------------------------------------------------------
// Domain types

/** Tensor backends, best first (SPEC §3 "Tensor backends"). */
export const BACKEND_NAMES = ['tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export const BackendNameSchema = z.enum(BACKEND_NAMES);
export type BackendName = z.infer<typeof BackendNameSchema>;
export function isBackendName(name: unknown): name is BackendName {
  return (BACKEND_NAMES as readonly unknown[]).includes(name);
}

export const BackendAvailabilitySchema = z.object({
  name: BackendNameSchema,
  available: z.boolean(),
  /** When available: what it runs on (e.g. "SIMD, 1 thread"); when not: why not. */
  detail: z.string(),
});
export type BackendAvailability = z.infer<typeof BackendAvailabilitySchema>;

export const DeviceSchema = z.object({
  kind: z.enum(['cpu', 'gpu']),
  name: z.string(),
  /** Logical cores for a CPU. */
  cores: z.number().int().positive().optional(),
  /** Memory the device can address, when known. */
  memoryBytes: z.number().nonnegative().optional(),
});
export type Device = z.infer<typeof DeviceSchema>;

export const EngineInfoSchema = z.object({
  version: z.string(),
  backend: BackendNameSchema,
  /** True when AWB_BACKEND (or the UI setting) forced the backend. */
  forced: z.boolean(),
  backends: z.array(BackendAvailabilitySchema),
  devices: z.array(DeviceSchema),
  memory: z.object({
    systemTotalBytes: z.number().nonnegative(),
    systemFreeBytes: z.number().nonnegative(),
    engineRssBytes: z.number().nonnegative(),
    tensorBytes: z.number().nonnegative(),
    numTensors: z.number().int().nonnegative(),
  }),
  runtime: z.object({
    node: z.string(),
    electron: z.string().optional(),
    platform: z.string(),
    arch: z.string(),
    pid: z.number().int(),
  }),
  workspace: z.string(),
});
export type EngineInfo = z.infer<typeof EngineInfoSchema>;

export const ENGINE_STATES = ['starting', 'ready', 'busy', 'crashed', 'restarting'] as const;
export const EngineStatusSchema = z.object({
  state: z.enum(ENGINE_STATES),
  /** The active backend, once the engine has chosen one. */
  backend: BackendNameSchema.optional(),
  /** What happened, in words: why it crashed, when it will restart. */
  message: z.string().optional(),
  /** How many times the host has restarted the engine since it started. */
  restarts: z.number().int().nonnegative(),
  /** Milliseconds since the epoch. */
  at: z.number(),
});
export type EngineStatus = z.infer<typeof EngineStatusSchema>;

export const RUN_STATUSES = ['queued', 'running', 'completed', 'failed', 'stopped', 'interrupted'] as const;

/** A training step's metrics (TRL's names: loss, rewards/margins, …), streamed while a run trains. */
export const RunProgressSchema = z.object({
  runId: z.string(),
  stage: z.string(),
  method: z.string(),
  step: z.number().int().nonnegative(),
  maxSteps: z.number().int().positive(),
  metrics: z.record(z.string(), z.number()),
  tokensPerSecond: z.number().nonnegative().optional(),
  /** Seconds left at the current pace. */
  etaSeconds: z.number().nonnegative().optional(),
});
export type RunProgress = z.infer<typeof RunProgressSchema>;

/** A sample generation at an evaluation step: what the model answers now. */
export const RunSampleSchema = z.object({
  runId: z.string(),
  stage: z.string(),
  step: z.number().int().nonnegative(),
  prompt: z.string(),
  completion: z.string(),
});
export type RunSample = z.infer<typeof RunSampleSchema>;

export const RunStatusSchema = z.object({
  runId: z.string(),
  status: z.enum(RUN_STATUSES),
  stage: z.string().optional(),
  /** Why it failed or stopped, in words (e.g. "step 12: the loss is not finite"). */
  message: z.string().optional(),
});
export type RunStatus = z.infer<typeof RunStatusSchema>;

/** A line of the run's log (what the CLI prints to stderr), for the dashboard's log panel. */
export const RunLogSchema = z.object({
  runId: z.string(),
  level: z.enum(['info', 'warning', 'error']),
  message: z.string(),
  /** Milliseconds since the epoch. */
  at: z.number(),
});
export type RunLog = z.infer<typeof RunLogSchema>;

export const StageSummarySchema = z.object({
  name: z.string(),
  method: z.string(),
  status: z.enum(['pending', 'running', 'completed', 'failed']),
  base: z.string().optional(),
  maxSteps: z.number().int().optional(),
  step: z.number().int().optional(),
  /** The workspace model the stage produced. */
  output: z.string().optional(),
  /** Held-out metrics at the end of the stage (e.g. eval_accuracy). */
  evaluation: z.record(z.string(), z.number()).optional(),
});

export const RunSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(RUN_STATUSES),
  /** The base model of the first stage. */
  base: z.string(),
  stages: z.array(StageSummarySchema),
  message: z.string().optional(),
  forkedFrom: z.object({ run: z.string(), stage: z.string(), step: z.number().int() }).optional(),
  /** Position in the engine's queue (0: running next), for queued runs. */
  queuePosition: z.number().int().nonnegative().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type RunSummary = z.infer<typeof RunSummarySchema>;

/** One logged step: stage, step, time and TRL-named metrics. */
export const MetricsPointSchema = z.object({
  stage: z.string(),
  step: z.number().int().nonnegative(),
  time: z.string(),
  metrics: z.record(z.string(), z.number()),
});
export type MetricsPoint = z.infer<typeof MetricsPointSchema>;

export const RunDetailSchema = z.object({
  run: RunSummarySchema,
  recipe: z.unknown(),
  /** Everything logged so far, so a dashboard opened late (or reopened) shows the whole history. */
  metrics: z.array(MetricsPointSchema),
  samples: z.array(RunSampleSchema),
  /** Saved checkpoints, the points a fork can start from. */
  checkpoints: z.array(z.object({ stage: z.string(), step: z.number().int() })),
});
export type RunDetail = z.infer<typeof RunDetailSchema>;

export const ModelSummarySchema = z.object({
  name: z.string(),
  architecture: z.enum(['llama', 'gpt2']),
  modelType: z.string(),
  parameters: z.number().int().nonnegative(),
  /** The imported path, or the run that produced it. */
  source: z.string(),
  /** The model it was trained from (lineage). */
  parent: z.string().optional(),
  /** The method that produced it (sft, dpo, …), for trained models. */
  method: z.string().optional(),
  layers: z.number().int().positive(),
  hiddenSize: z.number().int().positive(),
  vocabSize: z.number().int().positive(),
  maxPositions: z.number().int().positive(),
  createdAt: z.string(),
});
export type ModelSummary = z.infer<typeof ModelSummarySchema>;

export const DATASET_KINDS = [
  'language_modeling',
  'prompt_completion',
  'preference',
  'unpaired_preference',
  'prompt_only',
] as const;

export const DatasetSummarySchema = z.object({
  name: z.string(),
  kind: z.enum(DATASET_KINDS),
  format: z.enum(['standard', 'conversational']),
  /** The file's layout: TRL's columns ("trl"), or the one import converted (hh-rlhf, alpaca, sharegpt, votes). */
  layout: z.string(),
  source: z.string(),
  rows: z.number().int().nonnegative(),
  accepted: z.number().int().nonnegative(),
  truncated: z.number().int().nonnegative(),
  maxLength: z.number().int().positive().optional(),
  createdAt: z.string(),
});
export type DatasetSummary = z.infer<typeof DatasetSummarySchema>;

export const DatasetProblemSchema = z.object({
  line: z.number().int(),
  field: z.string().nullable(),
  message: z.string(),
  severity: z.enum(['error', 'warning']),
});

export const LengthHistogramSchema = z.object({
  maxLength: z.number().int().positive(),
  buckets: z.array(z.object({ from: z.number().int(), to: z.number().int(), count: z.number().int() })),
  over: z.number().int().nonnegative(),
  longest: z.number().int().nonnegative(),
});

/** What an import found: `imported` false means nothing was written (invalid rows and no choice to drop them). */
export const ImportReportSchema = z.object({
  name: z.string(),
  kind: z.enum(DATASET_KINDS).nullable(),
  format: z.enum(['standard', 'conversational']).nullable(),
  layout: z.string().nullable(),
  file: z.string(),
  fileFormat: z.string(),
  gzip: z.boolean(),
  rows: z.number().int().nonnegative(),
  accepted: z.number().int().nonnegative(),
  invalid: z.number().int().nonnegative(),
  truncated: z.number().int().nonnegative(),
  imported: z.boolean(),
  problems: z.array(DatasetProblemSchema),
  histogram: LengthHistogramSchema.optional(),
});
export type ImportReport = z.infer<typeof ImportReportSchema>;

/**
 * Progress of a long verb that was given a `jobId` (imports, exports): its phase and, where it can be counted, how
 * far it is. `jobs.cancel` with the same id stops it before its next phase; a cancelled job writes nothing.
 */
export const JobProgressSchema = z.object({
  jobId: z.string(),
  phase: z.string(),
  done: z.number().nonnegative(),
  total: z.number().nonnegative().nullable(),
});
export type JobProgress = z.infer<typeof JobProgressSchema>;

const JobIdField = { jobId: z.string().min(1).max(100).optional() };

/** A chat turn, as chat templates take them. */
export const ChatMessageSchema = z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string() });

export const SamplingSchema = z.object({
  temperature: z.number().min(0).max(5).default(0.7),
  topP: z.number().gt(0).max(1).default(0.95),
  topK: z.number().int().nonnegative().default(0),
  maxNewTokens: z.number().int().positive().max(4096).default(128),
  seed: z.number().int().nonnegative().default(0),
});
export type Sampling = z.infer<typeof SamplingSchema>;

/** Streamed text of one chat answer: `text` is what this token added. */
export const ChatTokenSchema = z.object({ requestId: z.string(), model: z.string(), text: z.string() });
export type ChatToken = z.infer<typeof ChatTokenSchema>;

export const VOTE_CHOICES = ['A', 'B', 'tie', 'both_bad'] as const;

export const VoteSchema = z.object({
  id: z.string(),
  prompt: z.string(),
  /** The answers in the order shown: slot A first. */
  answers: z
    .array(z.object({ model: z.string(), text: z.string() }))
    .min(2)
    .max(4),
  choice: z.enum(VOTE_CHOICES),
  annotator: z.string().min(1),
  /** The names were hidden and the order shuffled when the vote was cast. */
  blind: z.boolean(),
  at: z.string(),
});
export type Vote = z.infer<typeof VoteSchema>;

export const AgreementSchema = z.object({
  annotators: z.array(z.string()),
  /** Prompts that two or more annotators voted on. */
  sharedPrompts: z.number().int().nonnegative(),
  /** Of the annotator pairs on shared prompts, the share that chose the same model (null: no shared prompts). */
  pairwiseAgreement: z.number().min(0).max(1).nullable(),
  /** Cohen's kappa over those pairs, chance-corrected (null when undefined). */
  kappa: z.number().nullable(),
});
export type Agreement = z.infer<typeof AgreementSchema>;

// ---------------------------------------------------------------------------------------------------------------------
// Verbs and events

const NoPayload = z.object({}).strict();

/** Every verb: request → response. `host` verbs are answered by the host itself, the rest by the engine process. */
export const verbs = {
  /** Version, active backend, available backends and why others are unavailable, devices, memory. */
  'engine.info': { request: NoPayload, response: EngineInfoSchema, handledBy: 'engine' },
  /** The engine's current status (the `engine.status` event carries every change). */
  'engine.status': { request: NoPayload, response: EngineStatusSchema, handledBy: 'host' },

  /** Models in the workspace, with lineage. */
  'models.list': {
    request: NoPayload,
    response: z.object({ models: z.array(ModelSummarySchema) }),
    handledBy: 'engine',
  },
  /** Imports an HF folder or a llama2.c .bin (with its tokenizer.bin) into the workspace. */
  'models.import': {
    request: z
      .object({ path: z.string().min(1), tokenizer: z.string().optional(), name: z.string().optional(), ...JobIdField })
      .strict(),
    response: ModelSummarySchema,
    handledBy: 'engine',
  },
  'models.export': {
    request: z
      .object({ name: z.string(), format: z.enum(['hf', 'onnx']), out: z.string().min(1), ...JobIdField })
      .strict(),
    response: z.object({ out: z.string() }),
    handledBy: 'engine',
  },
  /** Deletes a model the UI asked to delete after confirmation; refused while a queued or running run uses it. */
  'models.delete': {
    request: z.object({ name: z.string() }).strict(),
    response: z.object({ deleted: z.string() }),
    handledBy: 'engine',
  },

  'datasets.list': {
    request: NoPayload,
    response: z.object({ datasets: z.array(DatasetSummarySchema) }),
    handledBy: 'engine',
  },
  /** A file the browser read (drag-and-drop, file picker), stored under the workspace's uploads/ for import. */
  'datasets.upload': {
    request: z.object({ filename: z.string().min(1).max(255), base64: z.string() }).strict(),
    response: z.object({ path: z.string() }),
    handledBy: 'engine',
  },
  /**
   * Validates and imports a file. `invalid`: 'refuse' imports nothing when a row is invalid (the report says why),
   * 'drop' leaves those rows out; `truncate` keeps rows longer than maxLength for the trainer to cut.
   */
  'datasets.import': {
    request: z
      .object({
        path: z.string().min(1),
        name: z.string().optional(),
        kind: z.enum(['sft', 'preference', 'prompts', 'unpaired']).optional(),
        invalid: z.enum(['refuse', 'drop']).default('refuse'),
        truncate: z.boolean().default(false),
        maxLength: z.number().int().positive().optional(),
        model: z.string().optional(),
        ...JobIdField,
      })
      .strict(),
    response: z.object({ report: ImportReportSchema, dataset: DatasetSummarySchema.optional() }),
    handledBy: 'engine',
  },
  /** Rows of a dataset, each with its text as the model would see it (the model's chat template applied). */
  'datasets.preview': {
    request: z
      .object({
        name: z.string(),
        offset: z.number().int().nonnegative().default(0),
        limit: z.number().int().positive().max(200).default(20),
        model: z.string().optional(),
      })
      .strict(),
    response: z.object({
      total: z.number().int().nonnegative(),
      rows: z.array(
        z.object({ index: z.number().int(), row: z.record(z.string(), z.unknown()), rendered: z.string() }),
      ),
      histogram: LengthHistogramSchema.optional(),
    }),
    handledBy: 'engine',
  },
  /** Edits a row (e.g. relabels a pair by swapping chosen and rejected); the row is validated as on import. */
  'datasets.updateRow': {
    request: z
      .object({ name: z.string(), index: z.number().int().nonnegative(), row: z.record(z.string(), z.unknown()) })
      .strict(),
    response: z.object({ index: z.number().int() }),
    handledBy: 'engine',
  },
  /** The demo's base model and datasets (SPEC §6), imported into the workspace when missing. */
  'demo.setup': {
    request: NoPayload,
    response: z.object({
      baseModel: z.string(),
      datasets: z.object({ sft: z.string(), preference: z.string(), rmHeldOut: z.string(), evalPrompts: z.string() }),
    }),
    handledBy: 'engine',
  },

  /** Stops a job started with a jobId; false when no such job is running. */
  'jobs.cancel': {
    request: z.object({ jobId: z.string() }).strict(),
    response: z.object({ cancelled: z.boolean() }),
    handledBy: 'engine',
  },

  'runs.list': { request: NoPayload, response: z.object({ runs: z.array(RunSummarySchema) }), handledBy: 'engine' },
  'runs.show': { request: z.object({ runId: z.string() }).strict(), response: RunDetailSchema, handledBy: 'engine' },
  /** Validates a recipe (SPEC §7) and queues it; runs train one at a time, in order. */
  'runs.start': {
    request: z.object({ recipe: z.unknown() }).strict(),
    response: RunSummarySchema,
    handledBy: 'engine',
  },
  /** Stops a running run after its current step (it keeps its checkpoints and can be resumed) or unqueues it. */
  'runs.stop': { request: z.object({ runId: z.string() }).strict(), response: RunSummarySchema, handledBy: 'engine' },
  /** Queues a stopped, interrupted or failed run to continue from its newest checkpoint. */
  'runs.resume': { request: z.object({ runId: z.string() }).strict(), response: RunSummarySchema, handledBy: 'engine' },
  /** A new run from a checkpoint of another, with changed settings (TRL names), queued. */
  'runs.fork': {
    request: z
      .object({
        runId: z.string(),
        stage: z.string().optional(),
        step: z.number().int().positive().optional(),
        set: z.record(z.string(), z.unknown()).default({}),
      })
      .strict(),
    response: RunSummarySchema,
    handledBy: 'engine',
  },

  /** One model's answer, streamed as `chat.token` events with the request's id; resolves with the whole answer. */
  'chat.generate': {
    request: z
      .object({
        requestId: z.string().min(1),
        model: z.string(),
        messages: z.array(ChatMessageSchema).min(1),
        sampling: SamplingSchema.default({ temperature: 0.7, topP: 0.95, topK: 0, maxNewTokens: 128, seed: 0 }),
      })
      .strict(),
    response: z.object({
      requestId: z.string(),
      model: z.string(),
      text: z.string(),
      tokens: z.number().int().nonnegative(),
      tokensPerSecond: z.number().nonnegative(),
      /** True when chat.cancel ended it early. */
      cancelled: z.boolean(),
    }),
    handledBy: 'engine',
  },
  'chat.cancel': {
    request: z.object({ requestId: z.string() }).strict(),
    response: z.object({ cancelled: z.boolean() }),
    handledBy: 'engine',
  },

  /** Stores a vote with its annotator; it becomes a preference row (prompt, chosen, rejected) when it has a winner. */
  'votes.add': { request: VoteSchema.omit({ id: true, at: true }).strict(), response: VoteSchema, handledBy: 'engine' },
  'votes.list': {
    request: NoPayload,
    response: z.object({ votes: z.array(VoteSchema), agreement: AgreementSchema }),
    handledBy: 'engine',
  },
  /** The votes with a winner as a preference dataset (A or B chosen; ties and "both bad" are left out and counted). */
  'votes.toDataset': {
    request: z.object({ name: z.string().min(1) }).strict(),
    response: z.object({ dataset: DatasetSummarySchema, pairs: z.number().int(), leftOut: z.number().int() }),
    handledBy: 'engine',
  },

  /** What a data stage made, for inspection: RLAIF's judged pairs (kept or not) or Constitutional AI's trails. */
  'runs.dataStage': {
    request: z.object({ runId: z.string(), stage: z.string() }).strict(),
    response: z.object({
      method: z.enum(['rlaif', 'cai']),
      /** RLAIF: every judged pair, its verdict and confidence, and whether it reached the threshold. */
      labels: z.array(
        z.object({
          index: z.number().int(),
          prompt: z.string(),
          answers: z.tuple([z.string(), z.string()]),
          choice: z.enum(['A', 'B']),
          confidence: z.number(),
          kept: z.boolean(),
          rationale: z.string().optional(),
        }),
      ),
      threshold: z.number().optional(),
      /** CAI: each prompt's first answer and its critique → revision rounds under a principle of the constitution. */
      trails: z.array(
        z.object({
          index: z.number().int(),
          prompt: z.string(),
          answer: z.string(),
          rounds: z.array(z.object({ principle: z.number().int(), critique: z.string(), revision: z.string() })),
        }),
      ),
      principles: z.array(z.object({ critic: z.string(), revision: z.string() })),
    }),
    handledBy: 'engine',
  },
  /**
   * One RLHF iteration (SPEC §2): new pairs on the newest policy (a judge, or a votes dataset), the reward model
   * retrained on old + new pairs, PPO again; queued as one run. The engine validates the settings (see
   * main/engine/runs/rlhf-iteration.ts: name, policy, rewardBase, prompts, preferences, judge | votes, reward, ppo).
   */
  'rlhf.iterate': {
    request: z.object({ iteration: z.record(z.string(), z.unknown()) }).strict(),
    response: RunSummarySchema,
    handledBy: 'engine',
  },
  /** Every iteration so far with its reward model's held-out accuracy and the policy's score, oldest first. */
  'rlhf.history': {
    request: NoPayload,
    response: z.object({
      iterations: z.array(
        z.object({
          runId: z.string(),
          name: z.string(),
          status: z.string(),
          rewardAccuracy: z.number().nullable(),
          policyScore: z.number().nullable(),
          kl: z.number().nullable(),
          policy: z.string().nullable(),
        }),
      ),
    }),
    handledBy: 'engine',
  },
  /** The wizard's recommendation from the decision framework (SPEC §2), with memory and time estimates. */
  'advisor.recommend': { request: AdvisorInputSchema, response: RecommendationSchema, handledBy: 'engine' },
  /** Training tokens/s per method measured on this machine (from finished runs), for the advisor's time estimates. */
  'advisor.throughput': {
    request: NoPayload,
    response: z.object({ tokensPerSecond: z.record(z.string(), z.number()), basis: z.string() }),
    handledBy: 'engine',
  },
} as const;

/** Every event the engine side pushes to the UI. */
export const events = {
  'engine.status': EngineStatusSchema,
  'run.progress': RunProgressSchema,
  'run.status': RunStatusSchema,
  'run.sample': RunSampleSchema,
  'run.log': RunLogSchema,
  'chat.token': ChatTokenSchema,
  'job.progress': JobProgressSchema,
} as const;

export type VerbName = keyof typeof verbs;
export type EventName = keyof typeof events;
export type VerbRequest<V extends VerbName> = z.input<(typeof verbs)[V]['request']>;
export type VerbResponse<V extends VerbName> = z.infer<(typeof verbs)[V]['response']>;
export type EventPayload<E extends EventName> = z.infer<(typeof events)[E]>;

export const VERB_NAMES = Object.keys(verbs) as VerbName[];
export const EVENT_NAMES = Object.keys(events) as EventName[];

export function isVerbName(name: unknown): name is VerbName {
  return typeof name === 'string' && Object.hasOwn(verbs, name);
}
export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(events, name);
}

// ---------------------------------------------------------------------------------------------------------------------
// Errors and validation

export const ERROR_CODES = [
  'bad_request', // the payload does not match the verb's schema
  'unknown_verb',
  'unauthorized', // a sender or connection that may not call verbs
  'engine_unavailable', // the engine crashed or is restarting; try again
  'engine_error', // the engine ran the verb and it failed
  'bad_response', // the other side answered with something the contract does not allow
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];
export const ContractErrorSchema = z.object({ code: z.enum(ERROR_CODES), message: z.string() });
export type ContractErrorData = z.infer<typeof ContractErrorSchema>;

export class ContractError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ContractError';
  }
  toJSON(): ContractErrorData {
    return { code: this.code, message: this.message };
  }
}

/** "payload.foo.bar: expected string, received number; …" */
export function describeIssues(error: z.ZodError, root: string): string {
  return error.issues.map((issue) => `${[root, ...issue.path.map(String)].join('.')}: ${issue.message}`).join('; ');
}

/** Validates a verb's request; throws ContractError('unknown_verb' | 'bad_request'). */
export function parseRequest<V extends VerbName>(verb: V | string, payload: unknown): VerbRequest<V> {
  if (!isVerbName(verb)) {
    throw new ContractError(
      'unknown_verb',
      `unknown verb ${JSON.stringify(verb)}; known verbs: ${VERB_NAMES.join(', ')}`,
    );
  }
  const parsed = verbs[verb].request.safeParse(payload ?? {});
  if (!parsed.success) throw new ContractError('bad_request', `${verb}: ${describeIssues(parsed.error, 'payload')}`);
  return parsed.data as VerbRequest<V>;
}

/** Validates a verb's response; throws ContractError('bad_response'). */
export function parseResponse<V extends VerbName>(verb: V, result: unknown): VerbResponse<V> {
  const parsed = verbs[verb].response.safeParse(result);
  if (!parsed.success) throw new ContractError('bad_response', `${verb}: ${describeIssues(parsed.error, 'result')}`);
  return parsed.data as VerbResponse<V>;
}

/** Validates an event's payload; throws ContractError('bad_response'). */
export function parseEvent<E extends EventName>(event: E, payload: unknown): EventPayload<E> {
  const parsed = events[event].safeParse(payload);
  if (!parsed.success) throw new ContractError('bad_response', `${event}: ${describeIssues(parsed.error, 'payload')}`);
  return parsed.data as EventPayload<E>;
}

// ---------------------------------------------------------------------------------------------------------------------
// Wire messages: the same envelopes over the WebSocket and between the host and the engine process

export const RequestMessageSchema = z.object({
  kind: z.literal('request'),
  id: z.number().int().nonnegative(),
  verb: z.string(),
  payload: z.unknown(),
});
export const ResponseMessageSchema = z.union([
  z.object({ kind: z.literal('response'), id: z.number().int(), ok: z.literal(true), result: z.unknown() }),
  z.object({ kind: z.literal('response'), id: z.number().int(), ok: z.literal(false), error: ContractErrorSchema }),
]);
export const EventMessageSchema = z.object({ kind: z.literal('event'), event: z.string(), payload: z.unknown() });

export type RequestMessage = z.infer<typeof RequestMessageSchema>;
export type ResponseMessage = z.infer<typeof ResponseMessageSchema>;
export type EventMessage = z.infer<typeof EventMessageSchema>;

/** What a verb call returns across IPC: errors travel as data, since Electron flattens thrown errors to strings. */
export type CallResult<T> = { ok: true; result: T } | { ok: false; error: ContractErrorData };

// ---------------------------------------------------------------------------------------------------------------------
// The API the preload exposes as `window.workbench`, and the renderer's client implements over WebSocket.

export interface WorkbenchBridge {
  /** Calls a verb; resolves with the validated response, rejects with a ContractError. */
  call(verb: VerbName, payload: unknown): Promise<CallResult<unknown>>;
  /** Subscribes to an event; returns the function that unsubscribes. */
  on(event: EventName, listener: (payload: unknown) => void): () => void;
}

/** IPC channel names (Electron). */
export const IPC_CALL_CHANNEL = 'awb:call';
export const IPC_EVENT_CHANNEL = 'awb:event';

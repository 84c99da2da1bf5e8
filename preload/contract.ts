/**
 * The single contract between the UI and the engine.
 *
 * Main, preload, renderer, the headless server and the engine process all compile against this file. Every verb has a
 * request and a response schema, every event a payload schema; payloads are validated at each boundary, so a malformed
 * message is rejected with a message naming the problem and never reaches the engine.
 */
import { z } from 'zod';

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

// ---------------------------------------------------------------------------------------------------------------------
// Verbs and events

const NoPayload = z.object({}).strict();

/** Every verb: request → response. `host` verbs are answered by the host itself, the rest by the engine process. */
export const verbs = {
  /** Version, active backend, available backends and why others are unavailable, devices, memory. */
  'engine.info': { request: NoPayload, response: EngineInfoSchema, handledBy: 'engine' },
  /** The engine's current status (the `engine.status` event carries every change). */
  'engine.status': { request: NoPayload, response: EngineStatusSchema, handledBy: 'host' },
} as const;

/** Every event the engine side pushes to the UI. */
export const events = {
  'engine.status': EngineStatusSchema,
  'run.progress': RunProgressSchema,
  'run.status': RunStatusSchema,
  'run.sample': RunSampleSchema,
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

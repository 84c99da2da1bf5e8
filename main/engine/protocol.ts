/**
 * Messages between the host (Electron main, the headless server) and the engine process. Requests and responses use
 * the contract's envelopes; the engine adds state reports of its own.
 */
import { z } from 'zod';
import { BackendNameSchema, EventMessageSchema, ResponseMessageSchema } from '../../preload/contract';

export const EngineStateMessageSchema = z.object({
  kind: z.literal('state'),
  state: z.enum(['ready', 'busy']),
  backend: BackendNameSchema,
});

/** The engine cannot start (e.g. AWB_BACKEND names an unavailable backend); the host must not restart it. */
export const EngineFatalMessageSchema = z.object({
  kind: z.literal('fatal'),
  message: z.string(),
  exitCode: z.number().int(),
});

export const EngineToHostSchema = z.union([
  ResponseMessageSchema,
  EventMessageSchema,
  EngineStateMessageSchema,
  EngineFatalMessageSchema,
]);
export type EngineToHost = z.infer<typeof EngineToHostSchema>;

/** A request still running after this long reports the engine as busy. */
export const BUSY_AFTER_MS = 250;

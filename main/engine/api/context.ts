/** What every group of engine verbs shares: the workspace, a way to push events, and the handler table's type. */
import type { z } from 'zod';
import type { EventName, EventPayload, VerbName, VerbResponse, verbs } from '../../../preload/contract';

export type EmitEvent = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

export interface ApiContext {
  workspace: string;
  emit: EmitEvent;
}

/** A verb's request after validation (defaults applied). */
export type ParsedRequest<V extends VerbName> = z.infer<(typeof verbs)[V]['request']>;

export type VerbHandlers<V extends VerbName> = { [K in V]: (request: ParsedRequest<K>) => Promise<VerbResponse<K>> };

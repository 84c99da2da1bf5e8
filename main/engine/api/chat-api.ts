/**
 * chat.*: a model's answer to a conversation, streamed token by token as `chat.token` events. Models are kept loaded
 * as ONNX decoders (a few at a time, the least recently used dropped), and one model answers one request at a time
 * since its decoder holds one conversation's cache; different models interleave.
 */
import { chatPromptIds } from '../generation/chat-prompt';
import { generateTokens } from '../generation/generate';
import { loadModel } from '../models/store';
import { OnnxDecoder } from '../onnx/onnx-decoder';
import { TextStreamer, type Tokenizer } from '../tokenizers/tokenizer';
import type { ApiContext, ParsedRequest, VerbHandlers } from './context';

interface LoadedChatModel {
  decoder: OnnxDecoder;
  tokenizer: Tokenizer;
  maxPositions: number;
  /** The previous request on this model; the next one waits for it. */
  busy: Promise<unknown>;
}

const KEEP_LOADED = 4;
/** Yield to the event loop every few tokens, so cancels arrive and other models' answers interleave. */
const YIELD_EVERY = 8;

export class ChatModels {
  private readonly loaded = new Map<string, Promise<LoadedChatModel>>();

  constructor(private readonly workspace: string) {}

  get(name: string): Promise<LoadedChatModel> {
    let entry = this.loaded.get(name);
    if (entry) this.loaded.delete(name); // re-inserted below: Map order is recency
    entry ??= this.load(name);
    this.loaded.set(name, entry);
    for (const [oldest, dropped] of this.loaded) {
      if (this.loaded.size <= KEEP_LOADED) break;
      this.loaded.delete(oldest);
      void dropped.then((model) => model.busy.then(() => model.decoder.dispose()));
    }
    entry.catch(() => this.loaded.delete(name));
    return entry;
  }

  forget(name: string): void {
    const entry = this.loaded.get(name);
    this.loaded.delete(name);
    void entry?.then(
      (model) => model.busy.then(() => model.decoder.dispose()),
      () => {},
    );
  }

  private async load(name: string): Promise<LoadedChatModel> {
    const { model, tokenizer } = await loadModel(this.workspace, name);
    try {
      const decoder = await OnnxDecoder.create(model);
      return { decoder, tokenizer, maxPositions: model.config.maxPositions, busy: Promise.resolve() };
    } finally {
      model.dispose(); // the ONNX graph holds its own copy of the weights
    }
  }
}

async function answer(
  context: ApiContext,
  model: LoadedChatModel,
  request: ParsedRequest<'chat.generate'>,
  cancelled: Set<string>,
) {
  const { sampling, requestId } = request;
  const maxNewTokens = Math.min(sampling.maxNewTokens, Math.max(1, model.maxPositions - 8));
  const promptIds = chatPromptIds(model.tokenizer, request.messages, model.maxPositions - maxNewTokens);
  const streamer = new TextStreamer(model.tokenizer, promptIds);
  model.decoder.reset();
  const started = performance.now();
  let text = '';
  let tokens = 0;
  const options = { ...sampling, maxNewTokens, stopIds: model.tokenizer.stopIds };
  for await (const id of generateTokens(model.decoder, promptIds, options)) {
    tokens += 1;
    const fresh = streamer.push(id);
    if (fresh) context.emit('chat.token', { requestId, model: request.model, text: fresh });
    text += fresh;
    if (tokens % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
    if (cancelled.has(requestId)) break;
  }
  const rest = streamer.flush();
  if (rest) context.emit('chat.token', { requestId, model: request.model, text: rest });
  const seconds = (performance.now() - started) / 1000;
  return { text: text + rest, tokens, tokensPerSecond: seconds > 0 ? tokens / seconds : 0 };
}

export function chatApi(context: ApiContext, models: ChatModels) {
  const cancelled = new Set<string>();
  const pending = new Set<string>();
  const handlers: VerbHandlers<'chat.generate' | 'chat.cancel'> = {
    'chat.generate': async (request) => {
      const model = await models.get(request.model);
      pending.add(request.requestId);
      const turn = model.busy.then(() => answer(context, model, request, cancelled));
      model.busy = turn.catch(() => {});
      try {
        const result = await turn;
        return {
          requestId: request.requestId,
          model: request.model,
          ...result,
          cancelled: cancelled.has(request.requestId),
        };
      } finally {
        pending.delete(request.requestId);
        cancelled.delete(request.requestId);
      }
    },
    'chat.cancel': async ({ requestId }) => {
      if (!pending.has(requestId)) return { cancelled: false };
      cancelled.add(requestId);
      return { cancelled: true };
    },
  };
  return handlers;
}

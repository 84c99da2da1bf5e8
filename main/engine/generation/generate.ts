/**
 * Token-by-token generation over a "decoder": something that takes new token ids and returns the logits of the last
 * one, keeping its own key/value cache. The tfjs model and the ONNX graph are two decoders with one API.
 */
import { type SamplingOptions, sampleToken, seededRandom } from './sampler';

export interface Decoder {
  readonly path: 'tfjs' | 'onnx';
  /** Feeds ids after those already fed; returns the logits [V] that follow the last one. */
  feed(ids: number[]): Promise<Float32Array>;
  /** Forgets everything fed (a new conversation). */
  reset(): void;
  dispose(): void;
}

export interface GenerationOptions extends SamplingOptions {
  maxNewTokens: number;
  seed?: number;
  /** Generation ends when one of these is produced (it is not returned). */
  stopIds: number[];
}

/** Yields generated token ids, one at a time, for streaming. */
export async function* generateTokens(
  decoder: Decoder,
  promptIds: number[],
  options: GenerationOptions,
): AsyncGenerator<number> {
  if (promptIds.length === 0) throw new Error('generation needs at least one prompt token (e.g. BOS)');
  const random = seededRandom(options.seed ?? 0);
  let logits = await decoder.feed(promptIds);
  for (let produced = 0; produced < options.maxNewTokens; produced++) {
    const next = sampleToken(logits, options, random);
    if (options.stopIds.includes(next)) return;
    yield next;
    if (produced + 1 < options.maxNewTokens) logits = await decoder.feed([next]);
  }
}

export async function generateAll(
  decoder: Decoder,
  promptIds: number[],
  options: GenerationOptions,
): Promise<number[]> {
  const ids: number[] = [];
  for await (const id of generateTokens(decoder, promptIds, options)) ids.push(id);
  return ids;
}

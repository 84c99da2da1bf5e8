/** The generation paths behind one API: tfjs (the training weights) and ONNX Runtime (an exported graph). */
import type { CausalLM } from '../models/model';
import { OnnxDecoder } from '../onnx/onnx-decoder';
import type { Decoder } from './generate';
import { TfjsDecoder } from './tfjs-decoder';

export const DECODER_PATHS = ['tfjs', 'onnx'] as const;
export type DecoderPath = (typeof DECODER_PATHS)[number];

export async function createDecoder(path: DecoderPath, model: CausalLM): Promise<Decoder> {
  if (path === 'onnx') return OnnxDecoder.create(model);
  return new TfjsDecoder(model);
}

/** A causal language model: config + named parameters + forward pass, for every architecture. */
import * as tf from '@tensorflow/tfjs';
import { matMul, matMulTransposeB } from '../ops/matmul';
import type { ModelConfig } from './config';
import { gpt2Forward, gpt2ParamShapes } from './gpt2';
import type { Params } from './layers';
import { llamaForward, llamaParamShapes } from './llama';
import type { ForwardInput, ForwardOutput, ParamShapes } from './types';

const ARCHITECTURES = {
  llama: { shapes: llamaParamShapes, forward: llamaForward },
  gpt2: { shapes: gpt2ParamShapes, forward: gpt2Forward },
};

export function paramShapes(config: ModelConfig): ParamShapes {
  return ARCHITECTURES[config.architecture].shapes(config);
}

/** How a fresh parameter starts: norms at 1, biases at 0, weights N(0, 0.02) as GPT-2 and Llama initialise. */
function initialValue(name: string, shape: number[], seed: number): tf.Tensor {
  if (/norm|ln\d|ln_f/.test(name)) return name.endsWith('.bias') ? tf.zeros(shape) : tf.ones(shape);
  if (name.endsWith('.bias')) return tf.zeros(shape);
  return tf.randomNormal(shape, 0, 0.02, 'float32', seed);
}

export class CausalLM {
  constructor(
    readonly config: ModelConfig,
    readonly params: Params,
  ) {}

  /** A randomly initialised model; the same seed gives the same weights. */
  static random(config: ModelConfig, seed: number): CausalLM {
    const params: Params = {};
    Object.entries(paramShapes(config)).forEach(([name, shape], index) => {
      params[name] = tf.variable(tf.tidy(() => initialValue(name, shape, seed * 7919 + index)));
    });
    return new CausalLM(config, params);
  }

  /** From tensors in the engine's layout (names as paramShapes gives; linear weights [in, out]). */
  static fromTensors(config: ModelConfig, tensors: Record<string, Float32Array>): CausalLM {
    const params: Params = {};
    for (const [name, shape] of Object.entries(paramShapes(config))) {
      const data = tensors[name];
      if (!data) throw new Error(`missing parameter ${name}`);
      params[name] = tf.variable(tf.tensor(data, shape), true);
    }
    return new CausalLM(config, params);
  }

  forward(input: ForwardInput): ForwardOutput {
    return ARCHITECTURES[this.config.architecture].forward(this.params, this.config, input);
  }

  /** hidden [B, T, D] → logits [B, T, V]. */
  logits(hidden: tf.Tensor3D): tf.Tensor3D {
    const [batch, length, width] = hidden.shape;
    const flat = hidden.reshape([batch * length, width]);
    const head = this.params['lm_head.weight'];
    const logits = head ? matMul(flat, head) : matMulTransposeB(flat, this.params['embed.weight'] as tf.Tensor);
    return logits.reshape([batch, length, this.config.vocabSize]);
  }

  /** Values of every parameter, in the engine's layout. */
  async tensors(): Promise<Record<string, Float32Array>> {
    const out: Record<string, Float32Array> = {};
    for (const [name, variable] of Object.entries(this.params)) out[name] = (await variable.data()) as Float32Array;
    return out;
  }

  numParameters(): number {
    return Object.values(this.params).reduce((sum, p) => sum + p.size, 0);
  }

  dispose(): void {
    for (const variable of Object.values(this.params)) variable.dispose();
  }
}

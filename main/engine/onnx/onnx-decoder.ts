/**
 * The ONNX Runtime decoder: the decoding-step graph (step-graph.ts) run by onnxruntime-node on the CPU, one token a
 * run, with the key/value cache in JS buffers that grow by doubling.
 *
 * It calls onnxruntime-node's synchronous binding, the one its public `InferenceSession.run` wraps in a
 * `setImmediate` and a Promise: each step is a few hundred microseconds, and the extra event-loop turn cost about 10%
 * of it (measured: 5,663 against 5,271 tokens/s on stories260K, medians of 30 interleaved runs).
 */
import * as ort from 'onnxruntime-node';
import { type Binding, binding, initOrt } from 'onnxruntime-node/dist/binding.js';
import type { Decoder } from '../generation/generate';
import type { ModelConfig } from '../models/config';
import type { CausalLM } from '../models/model';
import { buildStepGraph, STEP_CACHE_PREFIX, STEP_NEW_ROWS, STEP_WEIGHT_PREFIX } from './step-graph';
import { stepRowWidth, stepWeights } from './step-weights';

/** Tiny tensors: one thread and no inter-op parallelism beat thread hand-offs on every node. */
const SESSION_OPTIONS: ort.InferenceSession.SessionOptions = {
  executionProviders: ['cpu'],
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
};

/** One layer's cache rows [capacity, row], of which the first `length` are filled. */
class LayerCache {
  rows: Float32Array;

  constructor(private readonly width: number) {
    this.rows = new Float32Array(64 * width);
  }

  /** A view of the first `length` rows, as the step graph's `cache.<layer>` input. */
  tensor(length: number): ort.Tensor {
    return new ort.Tensor('float32', this.rows.subarray(0, length * this.width), [1, length, this.width]);
  }

  append(position: number, row: Float32Array): void {
    const needed = (position + 1) * this.width;
    if (needed > this.rows.length) {
      const grown = new Float32Array(Math.max(needed, 2 * this.rows.length));
      grown.set(this.rows);
      this.rows = grown;
    }
    this.rows.set(row, position * this.width);
  }
}

export class OnnxDecoder implements Decoder {
  readonly path = 'onnx';
  private caches: LayerCache[] = [];
  private position = 0;
  private weightFeeds: Record<string, ort.Tensor> = {};
  private readonly fetches = { logits: null, [STEP_NEW_ROWS]: null };

  private constructor(
    private readonly session: Binding.InferenceSession,
    private readonly config: ModelConfig,
  ) {
    this.reset();
  }

  /** `weightsAsInputs`: the graph takes the weights at run time (see setWeights), so changed weights need no export. */
  static async create(model: CausalLM, options: { weightsAsInputs?: boolean } = {}): Promise<OnnxDecoder> {
    const tensors = await model.tensors();
    const graph = buildStepGraph(
      model.config,
      options.weightsAsInputs ? undefined : stepWeights(model.config, tensors),
    );
    initOrt();
    const session = new binding.InferenceSession();
    session.loadModel(graph.buffer as ArrayBuffer, graph.byteOffset, graph.byteLength, SESSION_OPTIONS);
    const decoder = new OnnxDecoder(session, model.config);
    if (options.weightsAsInputs) decoder.setWeights(tensors);
    return decoder;
  }

  /** New weights (engine names and layouts) for a graph made with weightsAsInputs. */
  setWeights(tensors: Record<string, Float32Array>): void {
    const feeds: Record<string, ort.Tensor> = {};
    for (const [name, { data, dims }] of Object.entries(stepWeights(this.config, tensors))) {
      feeds[`${STEP_WEIGHT_PREFIX}${name}`] = new ort.Tensor('float32', data, dims);
    }
    this.weightFeeds = feeds;
  }

  async feed(ids: number[]): Promise<Float32Array> {
    if (ids.length === 0) throw new Error('feed needs at least one token');
    let logits: Float32Array = new Float32Array(0);
    for (const id of ids) logits = this.step(id);
    return logits;
  }

  reset(): void {
    const width = stepRowWidth(this.config);
    this.caches = Array.from({ length: this.config.numLayers }, () => new LayerCache(width));
    this.position = 0;
  }

  dispose(): void {
    this.session.dispose();
  }

  private step(id: number): Float32Array {
    if (this.position >= this.config.maxPositions) {
      throw new Error(`the model's context is ${this.config.maxPositions} tokens; the conversation is longer`);
    }
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', BigInt64Array.of(BigInt(id)), [1, 1]),
      position_ids: new ort.Tensor('int64', BigInt64Array.of(BigInt(this.position)), [1, 1]),
      ...this.weightFeeds,
    };
    this.caches.forEach((cache, layer) => {
      feeds[`${STEP_CACHE_PREFIX}${layer}`] = cache.tensor(this.position);
    });
    const outputs = this.session.run(feeds, this.fetches, {});
    const rows = (outputs[STEP_NEW_ROWS] as ort.Tensor).data as Float32Array;
    const width = stepRowWidth(this.config);
    this.caches.forEach((cache, layer) => {
      cache.append(this.position, rows.subarray(layer * width, (layer + 1) * width));
    });
    this.position += 1;
    return (outputs.logits as ort.Tensor).data as Float32Array;
  }
}

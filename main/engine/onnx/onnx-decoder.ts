/** The ONNX Runtime decoder: the exported graph run by onnxruntime-node on the CPU, its cache kept as ORT tensors. */
import * as ort from 'onnxruntime-node';
import type { Decoder } from '../generation/generate';
import { headDim, type ModelConfig } from '../models/config';
import type { CausalLM } from '../models/model';
import { buildDecoderGraph, PAST_INPUT, PRESENT_OUTPUT, WEIGHT_INPUT_PREFIX } from './decoder-graph';

/** Tiny tensors: one thread and no inter-op parallelism beat thread hand-offs on every node. */
const SESSION_OPTIONS: ort.InferenceSession.SessionOptions = {
  executionProviders: ['cpu'],
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
};

export class OnnxDecoder implements Decoder {
  readonly path = 'onnx';
  private past: ort.Tensor | undefined;
  private position = 0;
  private weightFeeds: Record<string, ort.Tensor> = {};

  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly config: ModelConfig,
  ) {
    this.reset();
  }

  /** `weightsAsInputs`: the graph takes the weights at run time (see setWeights), so changed weights need no export. */
  static async create(model: CausalLM, options: { weightsAsInputs?: boolean } = {}): Promise<OnnxDecoder> {
    const tensors = await model.tensors();
    const graph = buildDecoderGraph(model.config, options.weightsAsInputs ? undefined : tensors);
    const decoder = new OnnxDecoder(await ort.InferenceSession.create(graph, SESSION_OPTIONS), model.config);
    if (options.weightsAsInputs) decoder.setWeights(tensors);
    return decoder;
  }

  /** New weights (engine names and layouts) for a graph exported with weightsAsInputs. */
  setWeights(tensors: Record<string, Float32Array>): void {
    const feeds: Record<string, ort.Tensor> = {};
    for (const name of this.session.inputNames.filter((input) => input.startsWith(WEIGHT_INPUT_PREFIX))) {
      const engineName = name.slice(WEIGHT_INPUT_PREFIX.length);
      const data = tensors[engineName];
      if (!data) throw new Error(`no weight ${engineName} for the ONNX graph`);
      feeds[name] = new ort.Tensor('float32', data, this.shapeOf(engineName, data.length));
    }
    this.weightFeeds = feeds;
  }

  async feed(ids: number[]): Promise<Float32Array> {
    const positions = ids.map((_, i) => BigInt(this.position + i));
    const outputs = await this.session.run({
      input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]),
      position_ids: new ort.Tensor('int64', BigInt64Array.from(positions), [1, ids.length]),
      [PAST_INPUT]: this.past as ort.Tensor,
      ...this.weightFeeds,
    });
    this.position += ids.length;
    this.past = outputs[PRESENT_OUTPUT] as ort.Tensor;
    const logits = (outputs.logits as ort.Tensor).data as Float32Array;
    return logits.slice(logits.length - this.config.vocabSize);
  }

  reset(): void {
    const rows = 2 * this.config.numLayers; // batch 1
    this.past = new ort.Tensor('float32', new Float32Array(0), [rows, this.config.numKvHeads, 0, headDim(this.config)]);
    this.position = 0;
  }

  dispose(): void {
    void this.session.release();
  }

  private shapeOf(engineName: string, length: number): number[] {
    const meta = this.session.inputMetadata.find((m) => m.name === `${WEIGHT_INPUT_PREFIX}${engineName}`);
    const shape = meta && 'shape' in meta ? (meta.shape as number[]) : [length];
    return shape;
  }
}

/** The exported ONNX decoder against the tfjs model: same logits (cpu and wasm), same tokens, weights as inputs. */
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../main/engine/backends/select';
import { generateAll } from '../../main/engine/generation/generate';
import { TfjsDecoder } from '../../main/engine/generation/tfjs-decoder';
import { type ModelConfig, tinyConfig } from '../../main/engine/models/config';
import { CausalLM } from '../../main/engine/models/model';
import { OnnxDecoder } from '../../main/engine/onnx/onnx-decoder';

function maxRelativeError(actual: Float32Array, expected: Float32Array): number {
  let worst = 0;
  const scale = Math.max(...Array.from(expected, Math.abs));
  for (let i = 0; i < expected.length; i++)
    worst = Math.max(worst, Math.abs((actual[i] as number) - (expected[i] as number)) / scale);
  return worst;
}

async function tfjsLogits(model: CausalLM, ids: number[]): Promise<Float32Array> {
  const logits = tf.tidy(() =>
    model.logits(model.forward({ tokens: tf.tensor2d([ids], [1, ids.length], 'int32') }).hidden),
  );
  const values = (await logits.data()) as Float32Array;
  logits.dispose();
  return values;
}

/** Scales weights up so that logits differ between tokens by more than float noise. */
function wideConfig(architecture: 'llama' | 'gpt2', extra: Partial<ModelConfig> = {}) {
  return tinyConfig(architecture, { vocabSize: 48, hiddenSize: 32, numHeads: 4, intermediateSize: 64, ...extra });
}

const CASES = [
  ['llama (grouped-query)', wideConfig('llama', { numKvHeads: 2 })],
  [
    'qwen2 (q/k/v biases, tied)',
    wideConfig('llama', { modelType: 'qwen2', attentionBias: true, tieWordEmbeddings: true }),
  ],
  ['gpt2', wideConfig('gpt2')],
] as const;

describe.each(CASES)('%s', (_, config) => {
  const ids = [1, 7, 30, 2, 11, 45, 5];
  const models: CausalLM[] = [];
  afterAll(() => {
    for (const model of models) model.dispose();
  });

  it('gives the same logits on tfjs-cpu, tfjs-wasm and ONNX Runtime within 1e-4 relative', async () => {
    await selectBackend({ forced: 'cpu' });
    const cpuModel = CausalLM.random(config, 5);
    const tensors = await cpuModel.tensors();
    const cpu = await tfjsLogits(cpuModel, ids);
    await selectBackend({ forced: 'wasm' });
    const wasmModel = CausalLM.fromTensors(config, tensors);
    models.push(cpuModel, wasmModel);
    const wasm = await tfjsLogits(wasmModel, ids);
    const onnx = await OnnxDecoder.create(wasmModel);
    const prompt = await onnx.feed(ids.slice(0, 4));
    const continued = await onnx.feed(ids.slice(4));
    onnx.dispose();
    expect(maxRelativeError(wasm, cpu)).toBeLessThan(1e-4);
    const vocab = config.vocabSize;
    expect(maxRelativeError(prompt, cpu.slice(3 * vocab, 4 * vocab))).toBeLessThan(1e-4);
    expect(maxRelativeError(continued, cpu.slice(6 * vocab, 7 * vocab))).toBeLessThan(1e-4);
  });

  it('generates the same tokens as tfjs, and takes new weights without a new export', async () => {
    await selectBackend({ forced: 'wasm' });
    const model = CausalLM.random(config, 9);
    const other = CausalLM.random(config, 10);
    models.push(model, other);
    const options = { temperature: 0.9, topP: 0.95, seed: 4, maxNewTokens: 20, stopIds: [] };
    const onnx = await OnnxDecoder.create(model, { weightsAsInputs: true });
    expect(await generateAll(onnx, [1, 3], options)).toEqual(
      await generateAll(new TfjsDecoder(model), [1, 3], options),
    );
    onnx.setWeights(await other.tensors());
    onnx.reset();
    expect(await generateAll(onnx, [1, 3], options)).toEqual(
      await generateAll(new TfjsDecoder(other), [1, 3], options),
    );
    onnx.dispose();
  });
});

describe('the ONNX decoding step', () => {
  it('keeps matching tfjs after its cache buffers grow, and refuses tokens past the context', async () => {
    await selectBackend({ forced: 'wasm' });
    const config = wideConfig('llama', { numKvHeads: 2, maxPositions: 100 });
    const model = CausalLM.random(config, 12);
    const ids = Array.from({ length: 100 }, (_, i) => (i * 17 + 3) % config.vocabSize);
    const expected = await tfjsLogits(model, ids);
    const onnx = await OnnxDecoder.create(model);
    const first = await onnx.feed(ids.slice(0, 70)); // past the buffers' first 64 rows
    const last = await onnx.feed(ids.slice(70));
    const vocab = config.vocabSize;
    expect(maxRelativeError(first, expected.slice(69 * vocab, 70 * vocab))).toBeLessThan(1e-4);
    expect(maxRelativeError(last, expected.slice(99 * vocab, 100 * vocab))).toBeLessThan(1e-4);
    await expect(onnx.feed([1])).rejects.toThrow(/context is 100 tokens/);
    onnx.dispose();
    model.dispose();
  });
});

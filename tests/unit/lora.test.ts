import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../main/engine/backends/select';
import { tinyConfig } from '../../main/engine/models/config';
import { addLora, defaultLoraConfig, hasLora, mergeLora } from '../../main/engine/models/lora';
import { CausalLM } from '../../main/engine/models/model';

const TOKENS = [[1, 5, 9, 3, 7]];

async function logits(model: CausalLM, enabled?: boolean): Promise<Float32Array> {
  const out = tf.tidy(() =>
    model.logits(
      model.forward({
        tokens: tf.tensor2d(TOKENS, [1, 5], 'int32'),
        lora: enabled === undefined ? undefined : { enabled },
      }).hidden,
    ),
  );
  const values = (await out.data()) as Float32Array;
  out.dispose();
  return values;
}

/** Gives every B a random value, as training would. */
function perturbAdapters(model: CausalLM): void {
  const adapters = Object.entries(model.params).filter(([name]) => name.endsWith('.lora_b'));
  adapters.forEach(([, b], i) => {
    b.assign(tf.randomNormal(b.shape, 0, 0.5, 'float32', 100 + i));
  });
}

beforeAll(async () => {
  await selectBackend({ forced: 'wasm' });
});

describe.each(['llama', 'gpt2'] as const)('LoRA on %s', (architecture) => {
  it('starts as the base model, trains only adapters, and disabled gives the base exactly', async () => {
    const model = CausalLM.random(tinyConfig(architecture), 3);
    const base = await logits(model);
    addLora(model, defaultLoraConfig(architecture), 11);
    expect(hasLora(model)).toBe(true);
    expect(await logits(model)).toEqual(base); // B = 0
    const trainable = Object.entries(model.params)
      .filter(([, v]) => v.trainable)
      .map(([name]) => name);
    expect(trainable.length).toBeGreaterThan(0);
    expect(trainable.every((name) => /\.lora_[ab]$/.test(name))).toBe(true);

    perturbAdapters(model);
    const adapted = await logits(model);
    expect(adapted).not.toEqual(base);
    expect(await logits(model, false)).toEqual(base);
    expect(await logits(model, true)).toEqual(adapted);
    model.dispose();
  });

  it('merges into the base weights with the same outputs, and no adapters left', async () => {
    const model = CausalLM.random(tinyConfig(architecture), 4);
    addLora(model, { rank: 2, alpha: 4, targets: architecture === 'llama' ? ['q', 'v', 'down'] : ['qkv', 'fc'] }, 12);
    perturbAdapters(model);
    const adapted = await logits(model);
    const before = tf.memory().numTensors;
    mergeLora(model);
    expect(hasLora(model)).toBe(false);
    expect(tf.memory().numTensors).toBeLessThan(before);
    const merged = await logits(model);
    const scale = Math.max(...Array.from(adapted, Math.abs));
    for (let i = 0; i < adapted.length; i++)
      expect(Math.abs((merged[i] as number) - (adapted[i] as number)) / scale).toBeLessThan(1e-5);
    model.dispose();
  });

  it('refuses targets that match no layer', () => {
    const model = CausalLM.random(tinyConfig(architecture), 5);
    expect(() => addLora(model, { rank: 2, alpha: 2, targets: ['nothing'] }, 1)).toThrow('no linear layer matches');
    model.dispose();
  });
});

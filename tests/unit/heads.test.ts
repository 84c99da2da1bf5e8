import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../main/engine/backends/select';
import { tinyConfig } from '../../main/engine/models/config';
import { addScalarHead, scalarPerToken, scoreLastToken } from '../../main/engine/models/heads';
import { CausalLM } from '../../main/engine/models/model';

beforeAll(async () => {
  await selectBackend({ forced: 'wasm' });
});

describe('scalar heads', () => {
  it('scores each sequence at its last real token, ignoring right padding', async () => {
    const model = CausalLM.random(tinyConfig('llama'), 1);
    addScalarHead(model, 'score', 2);
    const tokens = tf.tensor2d(
      [
        [1, 5, 6, 0],
        [1, 7, 0, 0],
      ],
      [2, 4],
      'int32',
    );
    const hidden = model.forward({ tokens }).hidden;
    const perToken = (await scalarPerToken(model, 'score', hidden).array()) as number[][];
    const scores = await scoreLastToken(model, hidden, tf.tensor1d([3, 2], 'int32')).data();
    expect(scores[0]).toBeCloseTo(perToken[0]?.[2] as number, 6);
    expect(scores[1]).toBeCloseTo(perToken[1]?.[1] as number, 6);
    // r = w·h + b: the bias shifts every score.
    (model.params['score.bias'] as tf.Variable).assign(tf.tensor1d([0.5]));
    const shifted = await scoreLastToken(model, hidden, tf.tensor1d([3, 2], 'int32')).data();
    expect(shifted[0]).toBeCloseTo((scores[0] as number) + 0.5, 6);
    model.dispose();
  });

  it('gives a value per token for PPO, and refuses a head the model lacks', () => {
    const model = CausalLM.random(tinyConfig('gpt2'), 3);
    const hidden = model.forward({ tokens: tf.tensor2d([[1, 2, 3]], [1, 3], 'int32') }).hidden;
    expect(() => scalarPerToken(model, 'value', hidden)).toThrow('no value head');
    addScalarHead(model, 'value', 4);
    expect(scalarPerToken(model, 'value', hidden).shape).toEqual([1, 3]);
    model.dispose();
  });
});

/**
 * AdamW (Loshchilov & Hutter, 2019) with decoupled weight decay, as PyTorch's torch.optim.AdamW. Its moments are
 * named like the parameters, so they save and load with a checkpoint and a resumed run continues exactly.
 */
import * as tf from '@tensorflow/tfjs';

export interface AdamWConfig {
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay: number;
}

export const ADAMW_DEFAULTS: AdamWConfig = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 };

export interface AdamWState {
  step: number;
  firstMoments: Record<string, Float32Array>;
  secondMoments: Record<string, Float32Array>;
}

export class AdamW {
  private step = 0;
  private readonly firstMoments: Record<string, tf.Variable> = {};
  private readonly secondMoments: Record<string, tf.Variable> = {};

  constructor(
    private readonly params: Record<string, tf.Variable>,
    private readonly config: AdamWConfig = ADAMW_DEFAULTS,
  ) {
    for (const [name, param] of Object.entries(params)) {
      this.firstMoments[name] = tf.variable(tf.zerosLike(param), false);
      this.secondMoments[name] = tf.variable(tf.zerosLike(param), false);
    }
  }

  /** One update with gradients named like the parameters. */
  apply(gradients: Record<string, tf.Tensor>, learningRate: number): void {
    this.step++;
    const { beta1, beta2, epsilon, weightDecay } = this.config;
    const firstCorrection = 1 - beta1 ** this.step;
    const secondCorrection = 1 - beta2 ** this.step;
    for (const [name, param] of Object.entries(this.params)) {
      const gradient = gradients[name];
      if (!gradient) continue;
      const m = this.firstMoments[name] as tf.Variable;
      const v = this.secondMoments[name] as tf.Variable;
      tf.tidy(() => {
        m.assign(tf.add(tf.mul(m, beta1), tf.mul(gradient, 1 - beta1)));
        v.assign(tf.add(tf.mul(v, beta2), tf.mul(tf.square(gradient), 1 - beta2)));
        const update = tf.div(tf.div(m, firstCorrection), tf.add(tf.sqrt(tf.div(v, secondCorrection)), epsilon));
        const decayed = weightDecay > 0 ? tf.mul(param, 1 - learningRate * weightDecay) : param;
        param.assign(tf.sub(decayed, tf.mul(update, learningRate)));
      });
    }
  }

  async state(): Promise<AdamWState> {
    const read = async (moments: Record<string, tf.Variable>) =>
      Object.fromEntries(
        await Promise.all(
          Object.entries(moments).map(async ([n, t]) => [n, (await t.data()) as Float32Array] as const),
        ),
      );
    return {
      step: this.step,
      firstMoments: await read(this.firstMoments),
      secondMoments: await read(this.secondMoments),
    };
  }

  load(state: AdamWState): void {
    this.step = state.step;
    for (const [name, m] of Object.entries(this.firstMoments)) {
      const saved = state.firstMoments[name];
      const savedSecond = state.secondMoments[name];
      if (!saved || !savedSecond) throw new Error(`the optimizer state has no moments for ${name}`);
      m.assign(tf.tensor(saved, m.shape));
      (this.secondMoments[name] as tf.Variable).assign(tf.tensor(savedSecond, m.shape));
    }
  }

  dispose(): void {
    for (const variable of [...Object.values(this.firstMoments), ...Object.values(this.secondMoments)])
      variable.dispose();
  }
}

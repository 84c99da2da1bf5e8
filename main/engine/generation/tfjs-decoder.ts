/** The tfjs decoder: the model's forward pass with a key/value cache (or without, to check the cache). */
import * as tf from '@tensorflow/tfjs';
import type { LayerCache } from '../models/attention';
import type { CausalLM } from '../models/model';
import type { Decoder } from './generate';

export class TfjsDecoder implements Decoder {
  readonly path = 'tfjs';
  private cache: LayerCache[] | undefined;
  /** Every id fed, for the uncached mode. */
  private history: number[] = [];

  constructor(
    private readonly model: CausalLM,
    private readonly options: { useCache: boolean } = { useCache: true },
  ) {}

  async feed(ids: number[]): Promise<Float32Array> {
    this.history.push(...ids);
    const fed = this.options.useCache ? ids : this.history;
    const previous = this.options.useCache ? this.cache : undefined;
    const { logits, cache } = tf.tidy(() => {
      const tokens = tf.tensor2d([fed], [1, fed.length], 'int32');
      const output = this.model.forward({ tokens, cache: previous });
      const last = output.hidden.slice([0, fed.length - 1, 0], [1, 1, -1]) as tf.Tensor3D;
      return { logits: this.model.logits(last).reshape([-1]), cache: output.cache };
    });
    if (this.options.useCache) {
      this.disposeCache();
      this.cache = cache;
    } else {
      for (const layer of cache) tf.dispose([layer.k, layer.v]);
    }
    const values = (await logits.data()) as Float32Array;
    logits.dispose();
    return values;
  }

  reset(): void {
    this.disposeCache();
    this.history = [];
  }

  dispose(): void {
    this.reset();
  }

  private disposeCache(): void {
    for (const layer of this.cache ?? []) tf.dispose([layer.k, layer.v]);
    this.cache = undefined;
  }
}

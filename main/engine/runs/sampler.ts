/**
 * The order examples are trained in: a seeded shuffle per epoch. Its whole state is three numbers, saved with each
 * checkpoint, so a resumed run sees the same batches it would have seen.
 */
import { seededRandom } from '../generation/sampler';

export interface SamplerState {
  seed: number;
  epoch: number;
  /** Examples already taken in this epoch. */
  position: number;
}

/** Fisher–Yates with a generator seeded by (seed, epoch): each epoch's order can be rebuilt from the state alone. */
function epochOrder(size: number, seed: number, epoch: number): number[] {
  const random = seededRandom(seed * 1_000_003 + epoch);
  const order = Array.from({ length: size }, (_, i) => i);
  for (let i = size - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  return order;
}

export class BatchSampler {
  private order: number[];

  constructor(
    private readonly size: number,
    private state: SamplerState,
  ) {
    if (size === 0) throw new Error('the dataset has no examples to train on');
    this.order = epochOrder(size, state.seed, state.epoch);
  }

  /** The indices of the next `count` examples, wrapping into the next epoch. */
  next(count: number): number[] {
    const indices: number[] = [];
    while (indices.length < count) {
      if (this.state.position === this.size) {
        this.state = { ...this.state, epoch: this.state.epoch + 1, position: 0 };
        this.order = epochOrder(this.size, this.state.seed, this.state.epoch);
      }
      indices.push(this.order[this.state.position++] as number);
    }
    return indices;
  }

  snapshot(): SamplerState {
    return { ...this.state };
  }
}

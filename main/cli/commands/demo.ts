/** `awb demo [--quick] [--json]` runs the demo pipelines; `awb demo pretrain-base --out DIR` makes the base model. */
import { type Command, UsageError } from '../context';
import { PRETRAIN_OPTIONS, pretrainBase } from './demo-pretrain';

export const demoCommand: Command = {
  summary: 'the built-in demo: base → SFT → DPO and base → SFT → RM, scored by the oracle',
  usage: 'awb demo [--quick] [--json] | awb demo pretrain-base --out DIR',
  options: { quick: { type: 'boolean' }, ...PRETRAIN_OPTIONS },
  async run(ctx, values, positionals) {
    if (positionals[0] === 'pretrain-base') return pretrainBase(ctx, values);
    throw new UsageError(`usage: ${this.usage}`);
  },
};

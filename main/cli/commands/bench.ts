/** `awb bench [--json]`: the benchmark suite on the active backend (SPEC §8). */
import os from 'node:os';
import { benchMatmul } from '../../engine/bench/matmul';
import { Engine } from '../../engine/engine';
import type { CliContext, Command } from '../context';
import { table } from '../format';

export const benchCommand: Command = {
  summary: 'benchmarks on the active backend: matmul peak',
  usage: 'awb bench [--json] [--quick]',
  options: { quick: { type: 'boolean' } },
  async run(ctx: CliContext, values) {
    const engine = await Engine.start({ workspace: ctx.workspace, forcedBackend: ctx.env.AWB_BACKEND });
    const matmul = await benchMatmul(undefined, values.quick ? 100 : 1000);
    const machine = { cpu: os.cpus()[0]?.model.trim(), cores: os.cpus().length, node: process.versions.node };
    if (ctx.json) {
      ctx.out(JSON.stringify({ backend: engine.backend, machine, date: new Date().toISOString(), matmul }));
      return 0;
    }
    ctx.out(`backend ${engine.backend} on ${machine.cpu} (${machine.cores} cores), node ${machine.node}`);
    const peak = Math.max(...matmul.map((r) => r.gflops));
    const rows = matmul.map((r) => [
      r.name,
      `${r.medianMs.toFixed(2)} ms`,
      `${r.gflops.toFixed(1)} GFLOP/s`,
      `${(r.gflops / peak).toFixed(2)}× peak`,
    ]);
    for (const line of table([['matmul', 'median', 'rate', 'vs best'], ...rows])) ctx.out(line);
    return 0;
  },
};

/** `awb bench [--json] [--quick]`: the benchmark suite on the active backend (SPEC §8). */
import os from 'node:os';
import { benchKernels } from '../../engine/bench/kernels';
import { benchMatmul } from '../../engine/bench/matmul';
import { benchForward, benchGeneration } from '../../engine/bench/models';
import { benchTraining } from '../../engine/bench/training';
import { Engine } from '../../engine/engine';
import type { CliContext, Command } from '../context';
import { table } from '../format';

async function runSuite(quick: boolean) {
  const budgetMs = quick ? 100 : 1000;
  return {
    matmul: await benchMatmul(undefined, budgetMs),
    forward: await benchForward(budgetMs),
    generation: await benchGeneration(quick ? 32 : 256, quick ? 1 : 3),
    training: await benchTraining(quick ? 100 : 2000),
    kernels: await benchKernels(quick ? 100 : 2000),
  };
}

function print(ctx: CliContext, results: Awaited<ReturnType<typeof runSuite>>): void {
  const peak = Math.max(...results.matmul.map((r) => r.gflops));
  const matmulRows = results.matmul.map((r) => [
    r.name,
    `${r.medianMs.toFixed(2)} ms`,
    `${r.gflops.toFixed(1)} GFLOP/s`,
    `${(r.gflops / peak).toFixed(2)}× best`,
  ]);
  for (const line of table([['matmul', 'median', 'rate', 'vs best'], ...matmulRows])) ctx.out(line);
  ctx.out('');
  const forwardRows = results.forward.map((r) => [
    r.shape,
    `${r.batch}×${r.tokens}`,
    `${r.medianMs.toFixed(1)} ms`,
    `${Math.round(r.tokensPerSecond)} tokens/s`,
  ]);
  for (const line of table([['forward', 'batch', 'median', 'rate'], ...forwardRows])) ctx.out(line);
  ctx.out('');
  const generationRows = results.generation.map((r) => [
    r.shape,
    r.path,
    `${r.tokens}`,
    `${Math.round(r.tokensPerSecond)} tokens/s`,
  ]);
  for (const line of table([['generation', 'path', 'tokens', 'rate (best run)'], ...generationRows])) ctx.out(line);
  ctx.out('');
  const sftTime = (shape: string) =>
    results.training.find((r) => r.shape === shape && r.method === 'sft') as { medianMs: number; sequences: number };
  const trainingRows = results.training.map((r) => {
    const sft = sftTime(r.shape);
    const perSequence = r.medianMs / (r.method === 'sft' ? r.sequences : r.sequences / 2);
    return [
      r.shape,
      r.method,
      `${r.medianMs.toFixed(0)} ms`,
      `${Math.round(r.tokensPerSecond)} tokens/s`,
      `${r.gflops.toFixed(2)} GFLOP/s (${((r.gflops / peak) * 100).toFixed(0)}% of peak)`,
      `${(perSequence / (sft.medianMs / sft.sequences)).toFixed(2)}×`,
    ];
  });
  for (const line of table([
    ['training', 'method', 'step', 'rate', 'achieved', 'per pair/seq vs SFT'],
    ...trainingRows,
  ]))
    ctx.out(line);
  const kernels = results.kernels;
  if (!kernels) return;
  ctx.out('');
  ctx.out(
    `batched matmul (${kernels.shape} SFT step): tfjs-wasm ${kernels.tfjsMs.toFixed(0)} ms, own SIMD kernel ` +
      `${kernels.ownMs.toFixed(0)} ms, ${kernels.speedup.toFixed(2)}× faster`,
  );
}

export const benchCommand: Command = {
  summary: 'benchmarks on the active backend: matmul peak, forward, generation and training tokens/s',
  usage: 'awb bench [--json] [--quick]',
  options: { quick: { type: 'boolean' } },
  async run(ctx: CliContext, values) {
    const engine = await Engine.start({ workspace: ctx.workspace, forcedBackend: ctx.env.AWB_BACKEND });
    const results = await runSuite(values.quick === true);
    const machine = { cpu: os.cpus()[0]?.model.trim(), cores: os.cpus().length, node: process.versions.node };
    if (ctx.json) {
      ctx.out(JSON.stringify({ backend: engine.backend, machine, date: new Date().toISOString(), ...results }));
      return 0;
    }
    ctx.out(`backend ${engine.backend} on ${machine.cpu} (${machine.cores} cores), node ${machine.node}`);
    print(ctx, results);
    return 0;
  },
};

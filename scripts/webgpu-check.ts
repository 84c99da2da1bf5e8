/**
 * The GPU check for a machine with a real GPU: the engine must choose webgpu there (Dawn on a hardware adapter), and
 * webgpu must compute what cpu computes. Prints a JSON report; exits 1 if either fails.
 *
 *   npx tsx scripts/webgpu-check.ts        (or a bundle of it, where the project is not installed)
 */
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../main/engine/backends/select';
import { benchMatmul } from '../main/engine/bench/matmul';

type Op = (x: tf.Tensor2D, y: tf.Tensor2D) => tf.Tensor;

const OPS: Record<string, Op> = {
  matMul: (x, y) => tf.matMul(x, y),
  matMulTransposeA: (x, y) => tf.matMul(x, y, true, false),
  softmax: (x) => tf.softmax(x),
  gelu: (x) => tf.mul(x, tf.sigmoid(tf.mul(x, 1.702))),
  rmsNorm: (x) => tf.div(x, tf.sqrt(tf.add(tf.mean(tf.square(x), -1, true), 1e-5))),
  logSumExp: (x) => tf.logSumExp(x, -1),
  gatherRows: (x) => tf.gather(x, tf.tensor1d([3, 0, 7, 7, 1], 'int32')),
};

async function evaluate(backend: string, x: number[][], y: number[][]): Promise<Record<string, Float32Array>> {
  await tf.setBackend(backend);
  const out: Record<string, Float32Array> = {};
  for (const [name, op] of Object.entries(OPS)) {
    // Asynchronous reads only: webgpu's synchronous read needs OffscreenCanvas, which Node lacks.
    const result = tf.tidy(() => op(tf.tensor2d(x), tf.tensor2d(y)));
    out[name] = (await result.data()) as Float32Array;
    result.dispose();
  }
  return out;
}

function relativeError(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < a.length; i++) {
    diff += ((a[i] ?? 0) - (b[i] ?? 0)) ** 2;
    norm += (b[i] ?? 0) ** 2;
  }
  return Math.sqrt(diff / Math.max(norm, 1e-30));
}

async function main(): Promise<number> {
  const selection = await selectBackend({});
  const report: Record<string, unknown> = {
    chosen: selection.backend,
    backends: selection.backends,
    gpus: selection.gpus,
  };
  if (selection.backend !== 'webgpu') {
    console.log(JSON.stringify(report, null, 1));
    return 1;
  }
  const x = (await tf.randomNormal([256, 256], 0, 1, 'float32', 7).array()) as number[][];
  const y = (await tf.randomNormal([256, 256], 0, 1, 'float32', 8).array()) as number[][];
  const gpu = await evaluate('webgpu', x, y);
  const cpu = await evaluate('cpu', x, y);
  const errors = Object.fromEntries(
    Object.keys(OPS).map((name) => [name, relativeError(gpu[name] as Float32Array, cpu[name] as Float32Array)]),
  );
  await tf.setBackend('webgpu');
  report.relativeErrorVsCpu = errors;
  report.matmul = await benchMatmul();
  console.log(JSON.stringify(report, null, 1));
  return Object.values(errors).every((e) => e < 1e-3) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);

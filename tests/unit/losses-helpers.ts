/** Shared by the loss tests: deterministic inputs, finite-difference gradients and a tensor-leak check. */
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import { type DpoConfig, dpoLoss } from '../../main/engine/methods/dpo';

export const LN2 = Math.log(2);
export const LN3 = Math.log(3);
export const LN4 = Math.log(4);

/**
 * Float32 finite differences: a step of 1e-2 keeps the rounding error of (f(x+h) − f(x−h)) / 2h near
 * ε32·|f| / h ≈ 6e-8 · |f| / 1e-2 ≈ 1e-5 for losses of order 1, while the truncation error of central differences,
 * h²/6 · f''', stays near 2e-5 on inputs of order 1 where f''' is of order 1. Both sit far below the relative tolerance
 * of 1e-2 on the gradient's norm, so a wrong gradient (a missing factor, a sign, a dropped term) fails and a right one
 * never flakes.
 */
export const FD_STEP = 1e-2;
export const FD_RELATIVE_TOLERANCE = 1e-2;

/** Values in [−scale, scale], the same on every run: well-scaled inputs for the finite differences. */
export function spread(count: number, seed: number, scale = 2): number[] {
  return Array.from({ length: count }, (_, i) => scale * Math.sin(seed * (i + 1) + 0.5 * i * i));
}

export async function values(tensor: tf.Tensor): Promise<number[]> {
  return Array.from(await tensor.data());
}

export async function scalarOf(tensor: tf.Tensor): Promise<number> {
  return (await tensor.data())[0] as number;
}

/** dpoLoss's loss as a function of its four log-prob tensors (policy c, policy r, reference c, reference r). */
export function dpoLossOf(config: DpoConfig) {
  return (...logps: tf.Tensor[]): tf.Scalar => {
    const [policyChosen, policyRejected, referenceChosen, referenceRejected] = logps as [
      tf.Tensor1D,
      tf.Tensor1D,
      tf.Tensor1D,
      tf.Tensor1D,
    ];
    return dpoLoss(policyChosen, policyRejected, referenceChosen, referenceRejected, config).loss;
  };
}

type ScalarFunction = (...inputs: tf.Tensor[]) => tf.Scalar;

/** ∂f/∂inputs[which] by central differences, one coordinate at a time. */
function numericGradient(f: ScalarFunction, inputs: tf.Tensor[], which: number): number[] {
  const target = inputs[which] as tf.Tensor;
  const base = target.dataSync() as Float32Array;
  const evaluate = (index: number, delta: number): number =>
    tf.tidy(() => {
      const moved = Float32Array.from(base);
      moved[index] = (moved[index] as number) + delta;
      const args = inputs.map((input, k) => (k === which ? tf.tensor(moved, target.shape) : input));
      return f(...args).dataSync()[0] as number;
    });
  return Array.from(base, (_, i) => (evaluate(i, FD_STEP) - evaluate(i, -FD_STEP)) / (2 * FD_STEP));
}

/** ‖a − b‖ / max(‖a‖, ‖b‖): one number per gradient, insensitive to the components that are near 0. */
function relativeError(a: number[], b: number[]): number {
  const norm = (v: number[]) => Math.hypot(...v);
  const difference = norm(a.map((x, i) => x - (b[i] as number)));
  return difference / Math.max(norm(a), norm(b), 1e-12);
}

/** Checks tf.grads(f) against central differences for each input listed in `which`. */
export async function expectGradientsMatchFiniteDifferences(
  f: ScalarFunction,
  inputs: tf.Tensor[],
  which: number[],
): Promise<void> {
  const analytic = tf.grads(f)(inputs);
  for (const index of which) {
    const expected = numericGradient(f, inputs, index);
    const actual = await values(analytic[index] as tf.Tensor);
    expect(Math.hypot(...expected), `input ${index} has a gradient to check`).toBeGreaterThan(1e-3);
    expect(relativeError(actual, expected), `input ${index}`).toBeLessThan(FD_RELATIVE_TOLERANCE);
  }
  tf.dispose(analytic);
}

/**
 * Runs `compute` in a tidy that keeps what it returns: only those tensors may outlive it (nothing tf.keep()s or
 * caches a tensor behind the caller's back), and once they are disposed the count is back where it started.
 */
export function expectNoLeak(compute: () => Record<string, tf.Tensor> | tf.Tensor[]): void {
  const before = tf.memory().numTensors;
  const outputs = Object.values(tf.tidy(compute));
  expect(tf.memory().numTensors).toBe(before + new Set(outputs.map((tensor) => tensor.id)).size);
  tf.dispose(outputs);
  expect(tf.memory().numTensors).toBe(before);
}

export async function expectAllFinite(tensors: tf.Tensor[]): Promise<void> {
  for (const tensor of tensors) {
    const data = await values(tensor);
    expect(data.every(Number.isFinite), `finite: [${data.slice(0, 8)}…]`).toBe(true);
  }
}

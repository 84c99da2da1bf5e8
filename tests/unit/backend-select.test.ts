import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { BackendProbe } from '../../main/engine/backends/probes';
import {
  BackendChoiceError,
  BackendUnavailableError,
  parseForcedBackend,
  selectBackend,
} from '../../main/engine/backends/select';
import type { BackendName } from '../../preload/contract';

/** Probes that report what we say and record which backend was activated. */
function fakeProbes(available: Partial<Record<BackendName, boolean>>, failActivation: BackendName[] = []) {
  const activated: BackendName[] = [];
  const make = (name: BackendName): BackendProbe => ({
    probe: async () => ({
      available: available[name] ?? false,
      detail: available[name] ? `${name} here` : `no ${name}`,
    }),
    activate: async () => {
      if (failActivation.includes(name)) throw new Error(`${name} broke`);
      activated.push(name);
      return `${name} active`;
    },
  });
  return {
    activated,
    probes: { tensorflow: make('tensorflow'), webgpu: make('webgpu'), wasm: make('wasm'), cpu: make('cpu') },
  };
}

describe('backend selection', () => {
  it('takes the best available backend in the order tensorflow → webgpu → wasm → cpu', async () => {
    const { probes, activated } = fakeProbes({ webgpu: true, wasm: true, cpu: true });
    const selection = await selectBackend({ probes });
    expect(selection.backend).toBe('webgpu');
    expect(selection.forced).toBe(false);
    expect(activated).toEqual(['webgpu']);
    expect(selection.backends.map((b) => [b.name, b.available])).toEqual([
      ['tensorflow', false],
      ['webgpu', true],
      ['wasm', true],
      ['cpu', true],
    ]);
    expect(selection.backends[0]?.detail).toBe('no tensorflow');
  });

  it('falls back to the next backend when the best one fails to initialise, and says why', async () => {
    const { probes, activated } = fakeProbes({ webgpu: true, wasm: true, cpu: true }, ['webgpu']);
    const selection = await selectBackend({ probes });
    expect(selection.backend).toBe('wasm');
    expect(activated).toEqual(['wasm']);
    expect(selection.backends[1]).toEqual({
      name: 'webgpu',
      available: false,
      detail: 'failed to initialise: webgpu broke',
    });
  });

  it('honours a forced backend even when a better one is available', async () => {
    const { probes } = fakeProbes({ tensorflow: true, wasm: true, cpu: true });
    const selection = await selectBackend({ forced: 'cpu', probes });
    expect(selection).toMatchObject({ backend: 'cpu', forced: true });
  });

  it('fails clearly when the forced backend is unavailable, with the reason', async () => {
    const { probes } = fakeProbes({ wasm: true, cpu: true });
    const error = await selectBackend({ forced: 'tensorflow', probes }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect((error as BackendUnavailableError).message).toBe(
      'backend tensorflow was forced (AWB_BACKEND) but is unavailable: no tensorflow',
    );
    expect((error as BackendUnavailableError).exitCode).toBe(1);
  });

  it('rejects a name that is not a backend, naming the valid choices', () => {
    expect(() => parseForcedBackend('nonsense')).toThrow(BackendChoiceError);
    expect(() => parseForcedBackend('nonsense')).toThrow('valid choices: tensorflow, webgpu, wasm, cpu');
    expect(parseForcedBackend(' WASM ')).toBe('wasm');
    expect(parseForcedBackend('')).toBeUndefined();
    expect(parseForcedBackend(undefined)).toBeUndefined();
  });

  it('activates the real wasm and cpu backends, which compute the same matmul', async () => {
    const a = [
      [1, 2, 3],
      [4, 5, 6],
    ];
    const b = [[1], [0.5], [-2]];
    const results: number[][] = [];
    for (const forced of ['wasm', 'cpu'] as const) {
      const selection = await selectBackend({ forced });
      expect(selection.backend).toBe(forced);
      expect(tf.getBackend()).toBe(forced);
      results.push(Array.from(await tf.matMul(tf.tensor2d(a), tf.tensor2d(b)).data()));
    }
    expect(results[0]).toEqual([-4, -5.5]);
    expect(results[1]).toEqual(results[0]);
  });

  it('reports tensorflow unavailable with the reason when tfjs-node is not installed', async () => {
    const selection = await selectBackend({ forced: 'cpu' });
    const tensorflow = selection.backends.find((b) => b.name === 'tensorflow');
    let installed = true;
    try {
      await import(/* @vite-ignore */ ['@tensorflow', 'tfjs-node'].join('/'));
    } catch {
      installed = false;
    }
    if (installed) {
      console.log('tfjs-node is installed here: checking that tensorflow is reported available');
      expect(tensorflow?.available).toBe(true);
    } else {
      expect(tensorflow).toMatchObject({ available: false });
      expect(tensorflow?.detail).toContain('@tensorflow/tfjs-node is not installed');
    }
  });
});

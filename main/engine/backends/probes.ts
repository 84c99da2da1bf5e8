/**
 * One probe per tensor backend. A probe says whether the backend can run here (and if not, why) without changing the
 * active backend; `activate` makes it the active tfjs backend.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { BackendName, Device } from '../../../preload/contract';
import { registerWasmKernels } from './wasm-kernels';

export interface ProbeResult {
  available: boolean;
  /** What it runs on, or why it cannot run. */
  detail: string;
  /** A GPU the backend found, to list among the engine's devices. */
  device?: Device;
}

export interface BackendProbe {
  probe(): Promise<ProbeResult>;
  /** Registers and selects the backend; returns a detail to replace the probe's (e.g. "SIMD, 1 thread"). */
  activate(): Promise<string | undefined>;
}

const resolveFromHere = createRequire(import.meta.url).resolve;

/** Optional packages are imported by a computed name so that bundlers leave the import alone. */
async function importOptional(name: string): Promise<unknown> {
  return import(/* @vite-ignore */ name);
}

function isModuleMissing(error: unknown, name: string): boolean {
  const code = (error as { code?: string }).code;
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && String(error).includes(name);
}

// --- tensorflow: libtensorflow through tfjs-node-gpu (CUDA) or tfjs-node (native CPU) ------------------------------

const TENSORFLOW_PACKAGES = [
  { name: '@tensorflow/tfjs-node-gpu', detail: 'libtensorflow with CUDA (@tensorflow/tfjs-node-gpu)' },
  { name: '@tensorflow/tfjs-node', detail: 'libtensorflow, native CPU (@tensorflow/tfjs-node)' },
];

export function tensorflowProbe(): BackendProbe {
  let loadedDetail: string | undefined;
  return {
    async probe() {
      const failures: string[] = [];
      for (const pkg of TENSORFLOW_PACKAGES) {
        try {
          await importOptional(pkg.name);
          loadedDetail = pkg.detail;
          return { available: true, detail: pkg.detail };
        } catch (error) {
          failures.push(isModuleMissing(error, pkg.name) ? `${pkg.name} is not installed` : `${pkg.name}: ${error}`);
        }
      }
      return {
        available: false,
        detail:
          `${failures.join('; ')} (optional dependencies whose install downloads libtensorflow; ` +
          'npm drops them where that download fails)',
      };
    },
    async activate() {
      if (!(await tf.setBackend('tensorflow'))) throw new Error('tfjs refused to initialise the tensorflow backend');
      return loadedDetail;
    },
  };
}

// --- webgpu: Dawn for Node (the `webgpu` package), only on a hardware adapter -----------------------------------------

const SOFTWARE_ADAPTER = /swiftshader|llvmpipe|lavapipe|softpipe|software|basic render/i;

function describeAdapter(adapter: GPUAdapter): string {
  const info = adapter.info;
  return [info?.vendor, info?.architecture, info?.device, info?.description].filter(Boolean).join(' ') || 'unnamed';
}

/**
 * On Linux, Dawn needs the Vulkan loader; without it Dawn prints a native warning and finds nothing, so look first.
 * Undefined means "could not tell" and lets Dawn decide.
 */
function linuxHasVulkanLoader(): boolean | undefined {
  if (process.platform !== 'linux') return undefined;
  const dirs = (process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean);
  if (dirs.some((dir) => existsSync(path.join(dir, 'libvulkan.so.1')))) return true;
  try {
    return execFileSync('/sbin/ldconfig', ['-p'], { encoding: 'utf8', timeout: 5000 }).includes('libvulkan.so.1');
  } catch {
    return undefined;
  }
}

export function webgpuProbe(): BackendProbe {
  let gpu: GPU | undefined;
  return {
    async probe() {
      if (linuxHasVulkanLoader() === false) {
        return { available: false, detail: 'no Vulkan loader (libvulkan.so.1) is installed, so Dawn can reach no GPU' };
      }
      let dawn: typeof import('webgpu');
      try {
        dawn = await import('webgpu');
      } catch (error) {
        return { available: false, detail: `the webgpu package (Dawn for Node) did not load: ${error}` };
      }
      gpu = dawn.create([]);
      const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
      if (!adapter) return { available: false, detail: 'Dawn found no GPU adapter (no Vulkan, Metal or D3D12 device)' };
      const name = describeAdapter(adapter);
      const isFallback = (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter === true;
      if (isFallback || SOFTWARE_ADAPTER.test(name)) {
        return { available: false, detail: `the only adapter is a software rasteriser (${name}), not a GPU` };
      }
      Object.assign(globalThis, dawn.globals);
      return { available: true, detail: `Dawn on ${name}`, device: { kind: 'gpu', name } };
    },
    async activate() {
      if (!gpu) throw new Error('webgpu was activated before it was probed');
      // tfjs-backend-webgpu asks navigator.gpu for its adapter.
      Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
      await import('@tensorflow/tfjs-backend-webgpu');
      if (!(await tf.setBackend('webgpu'))) throw new Error('tfjs refused to initialise the webgpu backend');
      return undefined;
    },
  };
}

// --- wasm: XNNPACK with SIMD; its threads do not work under Node --------------------------------------------------

export function wasmDistFolder(): string {
  return path.join(path.dirname(resolveFromHere('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
}

export function wasmProbe(): BackendProbe {
  return {
    async probe() {
      if (!('WebAssembly' in globalThis)) return { available: false, detail: 'this runtime has no WebAssembly' };
      let folder: string;
      try {
        folder = wasmDistFolder();
      } catch (error) {
        return { available: false, detail: `@tensorflow/tfjs-backend-wasm is not installed: ${error}` };
      }
      if (!existsSync(path.join(folder, 'tfjs-backend-wasm-simd.wasm'))) {
        return { available: false, detail: `no tfjs-backend-wasm-simd.wasm in ${folder}` };
      }
      return { available: true, detail: 'WebAssembly (XNNPACK)' };
    },
    async activate() {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      wasm.setWasmPaths(wasmDistFolder());
      registerWasmKernels(); // the gradient of gather (embeddings) needs UnsortedSegmentSum
      if (!(await tf.setBackend('wasm'))) throw new Error('tfjs refused to initialise the wasm backend');
      const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
      return `WebAssembly (XNNPACK), ${simd ? 'SIMD' : 'no SIMD'}, 1 thread`;
    },
  };
}

// --- cpu: pure JavaScript, the last resort ------------------------------------------------------------------------

export function cpuProbe(): BackendProbe {
  return {
    async probe() {
      return { available: true, detail: 'pure JavaScript (slowest)' };
    },
    async activate() {
      if (!(await tf.setBackend('cpu'))) throw new Error('tfjs refused to initialise the cpu backend');
      return undefined;
    },
  };
}

export function defaultProbes(): Record<BackendName, BackendProbe> {
  return { tensorflow: tensorflowProbe(), webgpu: webgpuProbe(), wasm: wasmProbe(), cpu: cpuProbe() };
}

/**
 * How each tfjs backend is loaded and why it may be unavailable. The pure backends (cpu, wasm)
 * are required peers, imported on init; the others are optional peers, imported through a
 * computed specifier so that bundlers and Node without them do not fail at import time.
 */
import { AdapterUnavailableError } from '@skipconn/core';
import type { TfjsBackendSpec } from './adapter';
import { WEBGL_FIX, WEBGPU_FIX, requireWebGlHost, requireWebGpu } from './environment';
import type { Tf } from './tf';

/** Imports an optional peer; undefined when it is not installed, AdapterUnavailableError when it is but fails to load. */
export async function importOptional<T>(adapter: string, pkg: string, fix: string): Promise<T | undefined> {
  try {
    return (await import(pkg)) as T;
  } catch (err) {
    const code = (err as { code?: string }).code;
    const message = err instanceof Error ? err.message : String(err);
    if ((code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') && message.includes(pkg)) return undefined;
    throw new AdapterUnavailableError(adapter, `${pkg} is installed but failed to load: ${message.split('\n')[0]}`, fix);
  }
}

async function importRequired<T>(adapter: string, pkg: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new AdapterUnavailableError(adapter, `${pkg} could not be loaded: ${message.split('\n')[0]}`, `npm install ${pkg}@4.22.0 @tensorflow/tfjs-core@4.22.0`);
  }
}

const loadCore = (adapter: string): Promise<Tf> => importRequired(adapter, '@tensorflow/tfjs-core', () => import('@tensorflow/tfjs-core'));

export const TFJS_CPU: TfjsBackendSpec = {
  name: 'tfjs:cpu',
  backend: 'cpu',
  description: 'TensorFlow.js, plain JavaScript cpu backend (@tensorflow/tfjs-backend-cpu)',
  async load() {
    const tf = await loadCore(this.name);
    await importRequired(this.name, '@tensorflow/tfjs-backend-cpu', () => import('@tensorflow/tfjs-backend-cpu'));
    return tf;
  },
};

export const TFJS_WASM: TfjsBackendSpec = {
  name: 'tfjs:wasm',
  backend: 'wasm',
  description: 'TensorFlow.js WebAssembly backend with XNNPACK (@tensorflow/tfjs-backend-wasm)',
  fix: 'in a browser, serve the tfjs-backend-wasm .wasm files and call setWasmPaths(<url>) before init',
  async load() {
    const tf = await loadCore(this.name);
    await importRequired(this.name, '@tensorflow/tfjs-backend-wasm', () => import('@tensorflow/tfjs-backend-wasm'));
    return tf;
  },
};

export const TFJS_WEBGPU: TfjsBackendSpec = {
  name: 'tfjs:webgpu',
  backend: 'webgpu',
  description: 'TensorFlow.js WebGPU backend (@tensorflow/tfjs-backend-webgpu; browser, or Node with the webgpu package)',
  fix: WEBGPU_FIX,
  async load() {
    requireWebGpu(this.name);
    const tf = await loadCore(this.name);
    if ((await importOptional(this.name, '@tensorflow/tfjs-backend-webgpu', WEBGPU_FIX)) === undefined) {
      throw new AdapterUnavailableError(this.name, '@tensorflow/tfjs-backend-webgpu is not installed', 'npm install @tensorflow/tfjs-backend-webgpu@4.22.0');
    }
    return tf;
  },
};

export const TFJS_WEBGL: TfjsBackendSpec = {
  name: 'tfjs:webgl',
  backend: 'webgl',
  description: 'TensorFlow.js WebGL backend (@tensorflow/tfjs-backend-webgl; browser only)',
  fix: WEBGL_FIX,
  async load() {
    requireWebGlHost(this.name);
    const tf = await loadCore(this.name);
    if ((await importOptional(this.name, '@tensorflow/tfjs-backend-webgl', WEBGL_FIX)) === undefined) {
      throw new AdapterUnavailableError(this.name, '@tensorflow/tfjs-backend-webgl is not installed', 'npm install @tensorflow/tfjs-backend-webgl@4.22.0');
    }
    return tf;
  },
};

const NODE_FIX = 'npm install @tensorflow/tfjs-node (CPU, libtensorflow) or @tensorflow/tfjs-node-gpu (NVIDIA GPU, Linux x64 with CUDA and cuDNN); ' + 'both download libtensorflow when installed';

/** Packages providing the native 'tensorflow' backend, preferred first. */
export const TFJS_NODE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

export const TFJS_NODE: TfjsBackendSpec = {
  name: 'tfjs:node',
  backend: 'tensorflow',
  description: "TensorFlow.js native 'tensorflow' backend (@tensorflow/tfjs-node-gpu or @tensorflow/tfjs-node)",
  fix: NODE_FIX,
  async load() {
    for (const pkg of TFJS_NODE_PACKAGES) {
      // tfjs-node exports the whole tfjs API bound to the tfjs-core it registered its backend with.
      const tf = await importOptional<Tf>(this.name, pkg, NODE_FIX);
      if (tf !== undefined) return tf;
    }
    throw new AdapterUnavailableError(this.name, 'neither @tensorflow/tfjs-node nor @tensorflow/tfjs-node-gpu is installed', NODE_FIX);
  },
};

export const TFJS_BACKENDS: readonly TfjsBackendSpec[] = [TFJS_CPU, TFJS_WASM, TFJS_WEBGPU, TFJS_WEBGL, TFJS_NODE];

/// <reference types="@webgpu/types" />
/**
 * @skipconn/webgpu: adapter `webgpu` (our own WGSL kernels, fused skip kernels, zero-copy concat,
 * a buffer arena) and createSkipKernels(device) for WebGPU programmers. Importing the package
 * registers the adapter and loads nothing else: Dawn is only loaded by init() in Node.
 * Bundlers targeting browsers pick ./browser.ts instead (the `browser` export condition).
 */
import { registerAdapter } from '@skipconn/core';
import { ADAPTER_NAME, ADAPTER_DESCRIPTION, createWebGpuAdapterWith, type NodeHostLoader, type WebGpuAdapter, type WebGpuAdapterOptions } from './adapter';

export * from './exports';

/** Loaded lazily: only Node reaches node:worker_threads and Dawn. */
const workerHost: NodeHostLoader = async ({ checkShaderKeys, pacedWaits }) => new (await import('./node/worker-host')).WorkerHost(checkShaderKeys, pacedWaits);

/** The `webgpu` adapter: navigator.gpu where it exists, else (in Node) Dawn in a worker thread. */
export function createWebGpuAdapter(options: WebGpuAdapterOptions = {}): WebGpuAdapter {
  return createWebGpuAdapterWith(workerHost, options);
}

registerAdapter(ADAPTER_NAME, () => createWebGpuAdapter(), 50, ADAPTER_DESCRIPTION);

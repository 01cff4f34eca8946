/// <reference types="@webgpu/types" />
/**
 * Browser entry of @skipconn/webgpu (`@skipconn/webgpu/browser`, and what bundlers pick for the
 * package through the `browser` export condition): the same API as the Node entry, with no Node
 * code path, so nothing here imports a Node built-in. The adapter uses navigator.gpu (or a GPU
 * object passed as options.gpu).
 */
import { registerAdapter } from '@skipconn/core';
import { ADAPTER_NAME, ADAPTER_DESCRIPTION, createWebGpuAdapterWith, type WebGpuAdapter, type WebGpuAdapterOptions } from './adapter';

export * from './exports';

/** The `webgpu` adapter on navigator.gpu (or options.gpu). */
export function createWebGpuAdapter(options: WebGpuAdapterOptions = {}): WebGpuAdapter {
  return createWebGpuAdapterWith(undefined, options);
}

registerAdapter(ADAPTER_NAME, () => createWebGpuAdapter(), 50, ADAPTER_DESCRIPTION);

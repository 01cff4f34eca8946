/// <reference types="@webgpu/types" />
/**
 * @skipconn/webgpu: adapter `webgpu` (our own WGSL kernels, fused skip kernels, zero-copy concat,
 * a buffer arena) and createSkipKernels(device) for WebGPU programmers. Importing the package
 * registers the adapter and loads nothing else: Dawn is only loaded by init() in Node.
 */
import { registerAdapter } from '@skipconn/core';
import { ADAPTER_NAME, createWebGpuAdapter } from './adapter';

export * from './adapter';
export * from './skip-kernels';
export type { PlanReport, EngineInfo, CompileSettings } from './engine/engine';
export type { ConvSettings } from './plan/emit';
export type { EngineStats, TimeOptions, TimeResult } from './host/types';

registerAdapter(ADAPTER_NAME, () => createWebGpuAdapter(), 50, 'WebGPU: skipconn\'s own WGSL kernels with fused skip connections (browser, or Node through Dawn in a worker)');

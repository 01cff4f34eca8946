/** What both entries of @skipconn/webgpu (index.ts for Node, browser.ts) export besides createWebGpuAdapter. */
export { ADAPTER_NAME, SUPPORTED_OPS, webgpuWhyUnsupported, type WebGpuAdapter, type WebGpuAdapterOptions, type WebGpuCompileOptions, type WebGpuCompiledGraph } from './adapter';
export * from './skip-kernels';
export type { PlanReport, EngineInfo, CompileSettings } from './engine/engine';
export type { ConvSettings } from './plan/emit';
export type { EngineStats } from './host/types';
export type { SingleRunSteps, TimeOptions, TimeResult } from './engine/timing';
export { RUN_MARKS, type RunMark, type RunMarks } from './engine/run-trace';

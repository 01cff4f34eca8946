/**
 * A host runs the engine somewhere: on this thread (browsers, where navigator.gpu lives on the
 * page) or in a dedicated worker thread (Node, where the thread owning a Dawn device must never
 * block for long). The adapter talks to either through this interface.
 */
import type { ResourceCounts, ValidatedGraph, WeightStore } from '@skipconn/core';
import type { CompileSettings, EngineData, EngineInfo, EngineTensor, PlanReport, TimeOptions, TimeResult } from '../engine/engine';
import type { RunMarks } from '../engine/run-trace';

export interface EngineStats {
  /** Most GPU bytes held at once since the engine started. */
  readonly peakBytes: number;
  /** Pipelines in the device's cache. */
  readonly pipelines: number;
}

export type { TimeOptions, TimeResult } from '../engine/engine';

export interface Host {
  init(): Promise<EngineInfo>;
  compile(vg: ValidatedGraph, weights: WeightStore, settings: CompileSettings): Promise<{ id: number; report: PlanReport }>;
  /** With `marks` (a traced run), records the phase boundaries it passes (engine/run-trace.ts). */
  run(id: number, feeds: ReadonlyMap<string, EngineData>, marks?: RunMarks): Promise<Map<string, EngineTensor>>;
  time(id: number, feeds: ReadonlyMap<string, EngineData>, options: TimeOptions): Promise<TimeResult>;
  release(id: number): Promise<void>;
  /** Live resources as of the last completed operation (synchronous, for leak checks). */
  counts(): ResourceCounts;
  stats(): EngineStats;
  /** Test hook: destroys the device as a GPU reset would. */
  loseDevice(): Promise<void>;
  dispose(): Promise<void>;
}

/**
 * Messages between the adapter (main thread) and the worker that owns the Dawn device. Tensors
 * cross as transferred ArrayBuffers; graphs as their JSON IR (the worker validates it again,
 * since a ValidatedGraph holds functions that cannot be cloned). Every reply carries the
 * engine's live resource counts so that resources() can answer synchronously.
 */
import type { Graph, ResourceCounts, WireError } from '@skipconn/core';
import type { CompileSettings, EngineInfo, PlanReport } from '../engine/engine';
import type { EngineStats, TimeOptions, TimeResult } from '../host/types';
import type { RunMarks } from '../engine/run-trace';

export interface WireTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: ArrayBuffer;
  /** Its bytes are int32 values; float32 otherwise. */
  readonly int32: boolean;
}

export type Request =
  /** `pacedWaits`: wait for the GPU with node/paced-wait.ts (the default) rather than a plain await. */
  | { readonly type: 'init'; readonly checkKeys: boolean; readonly pacedWaits: boolean }
  | { readonly type: 'compile'; readonly graph: Graph; readonly weights: readonly WireTensor[]; readonly settings: CompileSettings }
  /** `trace`: reply with the run's phase marks (the benchmark's traceRun). */
  | { readonly type: 'run'; readonly id: number; readonly feeds: readonly WireTensor[]; readonly trace: boolean }
  | { readonly type: 'time'; readonly id: number; readonly feeds: readonly WireTensor[]; readonly options: TimeOptions }
  | { readonly type: 'release'; readonly id: number }
  | { readonly type: 'lose-device' }
  | { readonly type: 'shutdown' };

export type Reply =
  | { readonly type: 'init'; readonly info: EngineInfo }
  | { readonly type: 'compile'; readonly id: number; readonly report: PlanReport }
  /** `spent`: the request's feed buffers, uploaded and handed back for the host's next run of this graph. */
  | { readonly type: 'run'; readonly outputs: readonly WireTensor[]; readonly spent: readonly ArrayBuffer[]; readonly marks?: RunMarks }
  | { readonly type: 'time'; readonly result: TimeResult }
  | { readonly type: 'done' };

export interface Envelope<T> {
  readonly seq: number;
  readonly body: T;
}

export interface ReplyEnvelope {
  readonly seq: number;
  readonly ok?: Reply;
  readonly error?: WireError;
  readonly counts: ResourceCounts;
  readonly stats: EngineStats;
}

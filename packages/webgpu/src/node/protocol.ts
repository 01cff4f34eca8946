/**
 * Messages between the adapter (main thread) and the worker that owns the Dawn device. Tensors
 * cross as transferred ArrayBuffers; graphs as their JSON IR (the worker validates it again,
 * since a ValidatedGraph holds functions that cannot be cloned). Every reply carries the
 * engine's live resource counts so that resources() can answer synchronously.
 */
import { AdapterUnavailableError, SkipconnError, type ErrorCode, type Graph, type ResourceCounts } from '@skipconn/core';
import type { CompileSettings, EngineInfo, PlanReport } from '../engine/engine';
import type { EngineStats, TimeOptions, TimeResult } from '../host/types';

export interface WireTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: ArrayBuffer;
}

export type Request =
  | { readonly type: 'init'; readonly checkKeys: boolean }
  | { readonly type: 'compile'; readonly graph: Graph; readonly weights: readonly WireTensor[]; readonly settings: CompileSettings }
  | { readonly type: 'run'; readonly id: number; readonly feeds: readonly WireTensor[] }
  | { readonly type: 'time'; readonly id: number; readonly feeds: readonly WireTensor[]; readonly options: TimeOptions }
  | { readonly type: 'release'; readonly id: number }
  | { readonly type: 'lose-device' }
  | { readonly type: 'shutdown' };

export type Reply =
  | { readonly type: 'init'; readonly info: EngineInfo }
  | { readonly type: 'compile'; readonly id: number; readonly report: PlanReport }
  | { readonly type: 'run'; readonly outputs: readonly WireTensor[] }
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

export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly code?: ErrorCode;
  readonly adapter?: string;
  readonly reason?: string;
  readonly fix?: string;
}

export function toWireError(err: unknown): WireError {
  if (err instanceof AdapterUnavailableError) {
    return { name: 'AdapterUnavailableError', message: err.message, code: err.code, adapter: err.adapter, reason: err.reason, ...(err.fix ? { fix: err.fix } : {}) };
  }
  if (err instanceof SkipconnError) return { name: err.name, message: err.message, code: err.code };
  if (err instanceof Error) return { name: err.name, message: err.message, ...(err.stack ? { stack: err.stack } : {}) };
  return { name: 'Error', message: String(err) };
}

/** Rebuilds an error on the main thread: user errors keep their code and message. */
export function fromWireError(w: WireError): Error {
  if (w.name === 'AdapterUnavailableError') return new AdapterUnavailableError(w.adapter ?? 'webgpu', w.reason ?? w.message, w.fix);
  if (w.code !== undefined) return new SkipconnError(w.code, w.message);
  const e = new Error(`${w.message}${w.stack ? `\n(webgpu worker) ${w.stack}` : ''}`);
  e.name = w.name;
  return e;
}

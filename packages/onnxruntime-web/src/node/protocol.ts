/**
 * Messages between the ort-web:webgpu proxy (webgpu-process.ts) and its host process
 * (webgpu-host.ts). They travel over Node's IPC channel with `serialization: 'advanced'`
 * (structured clone), so HostTensors and their typed arrays cross as they are.
 */
import { AdapterUnavailableError, SkipconnError, type ErrorCode, type Graph, type HostTensor, type ResourceCounts } from '@skipconn/core';
import type { OrtWebSessionOptions } from '../adapter';

export type HostRequest =
  | { readonly id: number; readonly op: 'init'; readonly options: OrtWebSessionOptions }
  | { readonly id: number; readonly op: 'compile'; readonly graph: Graph; readonly weights: readonly (readonly [string, HostTensor])[]; readonly options: Record<string, unknown> }
  | { readonly id: number; readonly op: 'run'; readonly handle: number; readonly feeds: Readonly<Record<string, HostTensor>> }
  | { readonly id: number; readonly op: 'release'; readonly handle: number }
  | { readonly id: number; readonly op: 'dispose' };

/** What a thrown error becomes on the wire: enough to rebuild a SkipconnError of the same kind. */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly code?: ErrorCode;
  readonly adapter?: string;
  readonly reason?: string;
  readonly fix?: string;
}

export type HostReply =
  | { readonly id: number; readonly ok: true; readonly value: unknown; readonly resources: ResourceCounts }
  | { readonly id: number; readonly ok: false; readonly error: WireError; readonly resources: ResourceCounts };

export interface CompileReply {
  readonly handle: number;
  readonly info: { readonly executionProvider?: string; readonly backend?: string };
}

export function toWireError(err: unknown): WireError {
  if (err instanceof AdapterUnavailableError) return { name: err.name, message: err.message, code: err.code, adapter: err.adapter, reason: err.reason, ...(err.fix !== undefined ? { fix: err.fix } : {}) };
  if (err instanceof SkipconnError) return { name: err.name, message: err.message, code: err.code };
  if (err instanceof Error) return { name: err.name, message: err.message };
  return { name: 'Error', message: String(err) };
}

/** Rebuilds the error on the proxy's side: same class for unavailability, same code and message otherwise. */
export function fromWireError(e: WireError): Error {
  if (e.name === 'AdapterUnavailableError' && e.adapter !== undefined && e.reason !== undefined) return new AdapterUnavailableError(e.adapter, e.reason, e.fix);
  if (e.code !== undefined) return new SkipconnError(e.code, e.message);
  const err = new Error(e.message);
  err.name = e.name;
  return err;
}

/**
 * Messages between the ort-web:webgpu proxy (webgpu-process.ts) and its host process
 * (webgpu-host.ts). They travel over Node's IPC channel with `serialization: 'advanced'`
 * (structured clone), so HostTensors and their typed arrays cross as they are.
 */
import type { Graph, HostTensor, ResourceCounts, WireError } from '@skipconn/core';
import type { OrtWebSessionOptions } from '../adapter';

export type HostRequest =
  | { readonly id: number; readonly op: 'init'; readonly options: OrtWebSessionOptions }
  | { readonly id: number; readonly op: 'compile'; readonly graph: Graph; readonly weights: readonly (readonly [string, HostTensor])[]; readonly options: Record<string, unknown> }
  | { readonly id: number; readonly op: 'run'; readonly handle: number; readonly feeds: Readonly<Record<string, HostTensor>> }
  | { readonly id: number; readonly op: 'release'; readonly handle: number }
  | { readonly id: number; readonly op: 'dispose' };

export type HostReply =
  { readonly id: number; readonly ok: true; readonly value: unknown; readonly resources: ResourceCounts } | { readonly id: number; readonly ok: false; readonly error: WireError; readonly resources: ResourceCounts };

export interface CompileReply {
  readonly handle: number;
  readonly info: { readonly executionProvider?: string; readonly backend?: string };
}

/**
 * Messages between the ort-web:webgpu proxy (webgpu-process.ts) and its host process
 * (webgpu-host.ts). They travel over Node's IPC channel with `serialization: 'advanced'`
 * (structured clone), so HostTensors and their typed arrays cross as they are. Node cannot
 * deserialize one message of 2 GiB or more (the host dies with "Unable to deserialize cloned
 * data"), so a graph's weights cross in 'weights' messages of at most IPC_BATCH_BYTES each,
 * staged by the host until the 'compile' that names them.
 */
import type { Graph, HostTensor, ResourceCounts, WireError } from '@skipconn/core';
import type { OrtWebSessionOptions } from '../adapter';

export type HostRequest =
  | { readonly id: number; readonly op: 'init'; readonly options: OrtWebSessionOptions }
  | { readonly id: number; readonly op: 'weights'; readonly upload: number; readonly weights: readonly (readonly [string, HostTensor])[] }
  | { readonly id: number; readonly op: 'compile'; readonly graph: Graph; readonly upload: number; readonly options: Record<string, unknown> }
  | { readonly id: number; readonly op: 'run'; readonly handle: number; readonly feeds: Readonly<Record<string, HostTensor>> }
  | { readonly id: number; readonly op: 'release'; readonly handle: number }
  | { readonly id: number; readonly op: 'dispose' };

export type HostReply =
  { readonly id: number; readonly ok: true; readonly value: unknown; readonly resources: ResourceCounts } | { readonly id: number; readonly ok: false; readonly error: WireError; readonly resources: ResourceCounts };

export interface CompileReply {
  readonly handle: number;
  readonly info: { readonly executionProvider?: string; readonly backend?: string };
}

/** Bytes of weight data per 'weights' message: well under the 2 GiB Node's IPC can carry in one. */
export const IPC_BATCH_BYTES = 256 * 2 ** 20;
/** The largest single weight that can cross (one message of its own, with room for the framing). */
export const IPC_MAX_WEIGHT_BYTES = 2 ** 31 - 2 ** 26;

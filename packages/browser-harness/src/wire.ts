/**
 * The harness protocol between Node (the proxy adapters) and the page (the real adapters). It
 * travels through playwright's page.evaluate as plain JSON, so tensors go as base64 of their
 * bytes: exact for every dtype (NaN payloads, -0 and int64 included). Used on both sides: no
 * Node or DOM APIs beyond btoa/atob, which both have.
 */
import { allocate, type DType, type Graph, type HostTensor, type ResourceCounts, type WireError } from '@skipconn/core';

export interface WireTensor {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly b64: string;
}

export type WireTensors = Readonly<Record<string, WireTensor>>;

export type HarnessRequest =
  | { readonly op: 'list' }
  | { readonly op: 'init'; readonly adapter: string }
  | { readonly op: 'compile'; readonly instance: number; readonly graph: Graph; readonly weights: WireTensors; readonly options: Record<string, unknown> }
  | { readonly op: 'run'; readonly instance: number; readonly handle: number; readonly feeds: WireTensors }
  | { readonly op: 'release'; readonly instance: number; readonly handle: number }
  | { readonly op: 'dispose'; readonly instance: number };

export type HarnessReply = { readonly ok: true; readonly value: unknown; readonly resources?: ResourceCounts } | { readonly ok: false; readonly error: WireError; readonly resources?: ResourceCounts };

/** One adapter the page can host, as `list` reports it. */
export interface PageAdapterInfo {
  readonly name: string;
  readonly description: string;
}

export interface InitReply {
  readonly instance: number;
}

export interface CompileReply {
  readonly handle: number;
  readonly info: { readonly executionProvider?: string; readonly backend?: string };
}

const CHUNK = 0x8000;

function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += CHUNK) binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(binary);
}

function base64ToBytes(b64: string): Uint8Array {
  const binary = atob(b64);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

export function encodeTensor(t: HostTensor): WireTensor {
  const d = t.data;
  return { dtype: t.dtype, shape: [...t.shape], b64: bytesToBase64(new Uint8Array(d.buffer, d.byteOffset, d.byteLength)) };
}

export function decodeTensor(w: WireTensor): HostTensor {
  const bytes = base64ToBytes(w.b64);
  const size = w.shape.reduce((a, b) => a * b, 1);
  const data = allocate(w.dtype, size);
  new Uint8Array(data.buffer, data.byteOffset, data.byteLength).set(bytes.subarray(0, data.byteLength));
  if (bytes.length !== data.byteLength) throw new Error(`tensor of ${w.dtype} [${w.shape.join(',')}] needs ${data.byteLength} bytes, received ${bytes.length}`);
  return { dtype: w.dtype, shape: [...w.shape], data };
}

export function encodeTensors(tensors: Iterable<readonly [string, HostTensor]>): Record<string, WireTensor> {
  const out: Record<string, WireTensor> = {};
  for (const [name, t] of tensors) out[name] = encodeTensor(t);
  return out;
}

export function decodeTensors(tensors: WireTensors): Record<string, HostTensor> {
  const out: Record<string, HostTensor> = {};
  for (const [name, t] of Object.entries(tensors)) out[name] = decodeTensor(t);
  return out;
}

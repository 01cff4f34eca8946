/**
 * Messages between the peers benchmark (run.ts, in the bench's process) and a peer's child
 * process (tfjs-child.ts, ort-child.ts). They travel over Node's IPC channel with
 * `serialization: 'advanced'` (structured clone), so typed arrays cross as they are.
 */
import type { Graph, HostTensor } from '@skipconn/core';

/** Summary of one output tensor, enough to tell whether two engines computed the same block. */
export interface OutputCheck {
  readonly count: number;
  readonly sum: number;
  readonly sumAbs: number;
  readonly nonFinite: number;
  /** Values at `sampleIndices(count)`, in that order. */
  readonly samples: readonly number[];
}

export type PeerRequest =
  | { readonly id: number; readonly op: 'init' }
  /** A slice of a graph input: written straight into the input's GPU buffer (created on the first slice). */
  | { readonly id: number; readonly op: 'input'; readonly key: string; readonly shape: readonly number[]; readonly offset: number; readonly data: Float32Array }
  | { readonly id: number; readonly op: 'freeInputs'; readonly keys: readonly string[] }
  /** Compiles `graph` once; `inputs` maps each graph input to an uploaded input key. */
  | {
      readonly id: number;
      readonly op: 'compile';
      readonly handle: string;
      readonly variant: string;
      readonly graph: Graph;
      readonly weights: readonly (readonly [string, HostTensor])[];
      readonly inputs: Readonly<Record<string, string>>;
    }
  /** The output of one run read back and summarized (not timed): see PeerGraph.check in child.ts. */
  | { readonly id: number; readonly op: 'check'; readonly handle: string }
  /** Up to `reps` runs, each issued alone and waited for; stops early after `maxMs` (at least one run). */
  | { readonly id: number; readonly op: 'single'; readonly handle: string; readonly reps: number; readonly maxMs: number }
  /** `reps` runs issued back to back, then one wait for the GPU to finish them all. */
  | { readonly id: number; readonly op: 'pipelined'; readonly handle: string; readonly reps: number }
  | { readonly id: number; readonly op: 'release'; readonly handle: string };

export interface InitReply {
  /** The runtime and the GPU adapter it got, in words. */
  readonly backend: string;
}

export interface CompileReply {
  /** What the peer made of the graph: kernels per run, execution provider, ... */
  readonly info: Readonly<Record<string, string | number | boolean>>;
}

export type PeerReply = { readonly id: number; readonly ok: true; readonly value: unknown } | { readonly id: number; readonly ok: false; readonly error: string };

/** Evenly spread element indices at which every engine's output is sampled. */
export function sampleIndices(count: number, n = 256): number[] {
  if (count <= n) return Array.from({ length: count }, (_, i) => i);
  return Array.from({ length: n }, (_, i) => Math.floor(((i + 0.5) * count) / n));
}

/**
 * Summarizes an output given in pieces (so a peer's thread never spends long on it: the thread
 * that owns a Dawn device must not block for ~20 ms). `pieces` yields [offset, values].
 */
export async function checkOutput(count: number, pieces: AsyncIterable<readonly [number, Float32Array]>): Promise<OutputCheck> {
  const idx = sampleIndices(count);
  const samples = new Array<number>(idx.length).fill(NaN);
  let sum = 0;
  let sumAbs = 0;
  let nonFinite = 0;
  let next = 0;
  for await (const [offset, values] of pieces) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (!Number.isFinite(v)) nonFinite++;
      else {
        sum += v;
        sumAbs += Math.abs(v);
      }
    }
    while (next < idx.length && idx[next]! < offset + values.length) {
      samples[next] = values[idx[next]! - offset]!;
      next++;
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { count, sum, sumAbs, nonFinite, samples };
}

/** Splits a host array into pieces of at most `size` elements (views, no copy). */
export async function* piecesOf(data: Float32Array, size = 1 << 20): AsyncGenerator<readonly [number, Float32Array]> {
  for (let o = 0; o < data.length; o += size) yield [o, data.subarray(o, Math.min(data.length, o + size))];
}

/**
 * The `gemv` section (bench-results/gemv.{json,md}): one-row dense, the batch-1 classifier heads
 * of VGG (25088 -> 4096, 4096 -> 4096) and ResNet (512 -> 1000), on this adapter's matrix-vector
 * kernel (the default), on its 16x16-tiled GEMM (`gemv: false`), on the matrix-vector kernel with
 * float16 weight storage (`weightStorage: 'float16'`) and on tfjs:webgpu (and
 * ort-web:webgpu with --peers ort), all in one run with the peers section's machinery
 * (peers/run.ts): same graph, weights and input everywhere, engines alternating in rounds.
 */
import { GraphBuilder, randomTensor } from '@skipconn/core';
import type { WebGpuAdapter } from '@skipconn/webgpu';
import type { BenchGraph } from './graphs';
import { benchPeerBlocks, type PeerBlock, type PeersOptions } from './peers/run';
import type { PeersResult } from './peers/report';

/** [in-features, out-features] of each head: VGG's fc6 and fc7, ResNet-18's fc. */
export const GEMV_HEADS: readonly (readonly [number, number])[] = [
  [25088, 4096],
  [4096, 4096],
  [512, 1000],
];

/**
 * Quick sizes (software adapters, small machines): fc6 with 512 of its 4096 columns. Its full
 * 411 MB weight is held about six times over during the section (the host's copy, the worker's,
 * one device buffer per compiled variant, the peer's copies), more than a small shared machine
 * should spend; each column's reduction over k = 25088 is the same.
 */
export const GEMV_HEADS_QUICK: readonly (readonly [number, number])[] = [
  [25088, 512],
  [4096, 4096],
  [512, 1000],
];

/** y = x @ w^T + b with x [1, k], weights uniform in +-1/sqrt(k) as PyTorch initialises nn.Linear. */
export function oneRowDense(k: number, n: number): BenchGraph {
  const b = new GraphBuilder(`dense-${k}-${n}`);
  const x = b.input('x', [1, k], { layout: 'NC' });
  const bound = 1 / Math.sqrt(k);
  const w = b.weight('w', randomTensor([n, k], 1, -bound, bound));
  const bias = b.weight('b', randomTensor([n], 2, -bound, bound));
  b.output(b.node('dense', [x, w, bias], {}, 'y'));
  return { built: b.build(), feeds: { x: randomTensor([1, k], 3) } };
}

export function benchGemv(adapter: WebGpuAdapter, device: string, opts: Omit<PeersOptions, 'oursVariants'>): Promise<PeersResult> {
  const defs: PeerBlock[] = (opts.quick ? GEMV_HEADS_QUICK : GEMV_HEADS).map(([k, n]) => ({ name: 'one-row dense', shape: `[1,${k}] -> ${n}`, make: () => oneRowDense(k, n) }));
  const oursVariants = [
    { variant: 'tiled GEMM (gemv: false)', options: { gemv: false } },
    // Half the weight bytes to read (rounded to float16, so its output differs from float32 storage's within the float16 tolerance).
    { variant: "float16 weights (weightStorage: 'float16')", options: { weightStorage: 'float16' } },
  ] as const;
  return benchPeerBlocks(adapter, device, { ...opts, oursVariants }, 'gemv', defs);
}

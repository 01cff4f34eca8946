/** Broadcast indexing helpers shared by the elementwise and merge kernels. */
import { stridesOf } from '../tensor';
import type { F64Tensor } from './kernel';

/**
 * For each flat index of `outShape`, the flat index into a tensor of `inShape` under NumPy
 * broadcasting (inShape right-aligned; size-1 axes repeat).
 */
export function broadcastIndex(inShape: readonly number[], outShape: readonly number[]): Int32Array {
  let size = 1;
  for (const d of outShape) size *= d;
  const map = new Int32Array(size);
  const rank = outShape.length;
  const offset = rank - inShape.length;
  const inStrides = stridesOf(inShape);
  const outStrides = stridesOf(outShape);
  for (let i = 0; i < size; i++) {
    let rem = i;
    let j = 0;
    for (let a = 0; a < rank; a++) {
      const coord = Math.floor(rem / outStrides[a]!);
      rem -= coord * outStrides[a]!;
      const ia = a - offset;
      if (ia >= 0 && inShape[ia]! !== 1) j += coord * inStrides[ia]!;
    }
    map[i] = j;
  }
  return map;
}

/** Reads `t` broadcast to `outShape` as a dense Float64Array. */
export function broadcastTo(t: F64Tensor, outShape: readonly number[]): Float64Array {
  const map = broadcastIndex(t.shape, outShape);
  const out = new Float64Array(map.length);
  for (let i = 0; i < map.length; i++) out[i] = t.data[map[i]!]!;
  return out;
}

/** Shape [1, ..., C, ..., 1] of the given rank with `size` on `axis`, for per-channel vectors. */
export function alongAxis(rank: number, axis: number, size: number): number[] {
  return Array.from({ length: rank }, (_, i) => (i === axis ? size : 1));
}

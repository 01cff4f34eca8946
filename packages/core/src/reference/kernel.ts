/**
 * Reference kernels compute in float64 on plain arrays. They are the oracle every adapter is
 * judged against, so they favour obvious loops over speed, except where real models spend their
 * time: conv2d, dense and matmul run through ./gemm.ts, which keeps each output's order of
 * additions, so they give the obvious loops' numbers bit for bit. One kernel per op file.
 */
import type { ValidatedNodeOf } from '../graph/validate';
import type { OpAttrs, OpType } from '../ops';
import { stridesOf } from '../tensor';

export interface F64Tensor {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

/** The float64 kernel of op K. */
export interface ReferenceKernel<K extends OpType> {
  readonly op: K;
  /** Inputs in node order (graph inputs, weights and earlier outputs, all as float64). */
  run(inputs: readonly F64Tensor[], attrs: OpAttrs<K>, node: ValidatedNodeOf<K>): F64Tensor[];
}

/** `export const clipKernel = defineKernel({ op: 'clip', run(inputs, attrs, node) {...} })`: attrs typed by op. */
export function defineKernel<K extends OpType>(kernel: ReferenceKernel<K>): ReferenceKernel<K> {
  return kernel;
}

export function f64(shape: readonly number[], data?: Float64Array): F64Tensor {
  let size = 1;
  for (const d of shape) size *= d;
  return { shape: [...shape], data: data ?? new Float64Array(size) };
}

/**
 * A copy that reads, for output coordinate (c0, c1, ...), input element
 * `offset + sum(c[a] * srcStrides[a])`: transpose (strides permuted) and slice (start offset,
 * strides scaled by the steps) are both this loop.
 */
export function stridedGather(x: F64Tensor, outShape: readonly number[], offset: number, srcStrides: readonly number[]): F64Tensor {
  const out = f64(outShape);
  const outStrides = stridesOf(outShape);
  for (let i = 0; i < out.data.length; i++) {
    let rem = i;
    let src = offset;
    for (let a = 0; a < outShape.length; a++) {
      const coord = Math.floor(rem / outStrides[a]!);
      rem -= coord * outStrides[a]!;
      src += coord * srcStrides[a]!;
    }
    out.data[i] = x.data[src]!;
  }
  return out;
}

/**
 * Reference kernels compute in float64 on plain arrays. They are the oracle every adapter is
 * judged against, so they favour obvious loops over speed, except where real models spend their
 * time: conv2d, dense and matmul run through ./gemm.ts, which keeps each output's order of
 * additions, so they give the obvious loops' numbers bit for bit. One kernel per op file.
 */
import type { ValidatedNode } from '../graph/validate';

export interface F64Tensor {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

export interface ReferenceKernel<A = any> {
  readonly op: string;
  /** Inputs in node order (graph inputs, weights and earlier outputs, all as float64). */
  run(inputs: readonly F64Tensor[], attrs: A, node: ValidatedNode): F64Tensor[];
}

export function defineKernel<A>(kernel: ReferenceKernel<A>): ReferenceKernel<A> {
  return kernel;
}

export function f64(shape: readonly number[], data?: Float64Array): F64Tensor {
  let size = 1;
  for (const d of shape) size *= d;
  return { shape: [...shape], data: data ?? new Float64Array(size) };
}

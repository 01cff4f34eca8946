/**
 * The contract of one tfjs kernel: how it wants its inputs laid out (read by the layout pass, no
 * tfjs needed) and how it compiles one validated node into a function of tfjs tensors. Kernels
 * never compute shapes: every logical shape comes from the validated graph, every physical shape
 * from the layout plan.
 */
import type { ValidatedNode } from '@skipconn/core';
import type { Perm } from '../plan/perm';
import type { Tensor, Tf } from '../tf';

/**
 * Where a kernel wants its data:
 * - 'follow': any storage; the layout pass picks channels-last or logical for the node, the
 *   kernel remaps its axes (channel axis, spatial axes, reduction axes) to the physical ones.
 * - 'channelsLast': input 0 stored channels-last (NHWC physical), as tfjs conv and pooling need.
 * - 'logical': every input in logical order (the op depends on row-major element order).
 * - 'any': input 0 as stored, whatever it is (transpose composes the storage permutation away).
 */
export type Placement = 'follow' | 'channelsLast' | 'logical' | 'any';

/**
 * How one input of a 'follow' node is brought to the node's storage:
 * - 'data': same rank as the output, stored like it.
 * - 'broadcast': NumPy-broadcast against the output: expanded to the output's rank with leading
 *   1s, then stored like it (elementwise operands, layerNorm scale and bias).
 * - 'param': left in logical order; the kernel places it itself (batchNorm's [C] vectors).
 */
export type InputRole = 'data' | 'broadcast' | 'param';

/** What the layout pass needs to know about a kernel. */
export interface LayoutPolicy {
  readonly placement: Placement;
  /** Role of input `index` for 'follow' kernels; 'data' when absent. */
  inputRole?(index: number, node: ValidatedNode): InputRole;
}

export interface KernelContext<A> {
  readonly tf: Tf;
  readonly node: ValidatedNode;
  readonly attrs: A;
  /** Storage of each input as the kernel receives it (physical axis i = logical axis perm[i]). */
  readonly inputPerms: readonly Perm[];
  /** Physical shapes of the inputs as received. */
  readonly inputShapes: readonly (readonly number[])[];
  /** Storage each output must have. */
  readonly outputPerms: readonly Perm[];
  /** Physical shapes each output must have. */
  readonly outputShapes: readonly (readonly number[])[];
  /**
   * Input `index` as a compile-time tensor when it is a weight (already in the storage the
   * kernel receives it in), else undefined. It lives until compile ends unless kept.
   */
  constant(index: number): Tensor | undefined;
  /** Keeps a tensor made at compile time until the compiled graph is disposed. */
  keep<T extends Tensor>(t: T): T;
}

export interface CompiledKernel {
  /** Runs inside the caller's tf.tidy; may allocate freely. */
  run(inputs: readonly Tensor[]): Tensor[];
  /**
   * Inputs this kernel folded into kept tensors at compile time (a conv filter already in tfjs
   * order); the runner passes nothing for them and holds no copy of the original.
   */
  readonly folded?: readonly number[];
}

export interface TfKernelConfig<A = any> extends LayoutPolicy {
  readonly op: string;
  compile(ctx: KernelContext<A>): CompiledKernel;
}

/** Helper so each kernel file reads `export const x = defineTfKernel<Attrs>({...})` fully typed. */
export function defineTfKernel<A>(config: TfKernelConfig<A>): TfKernelConfig<A> {
  return config;
}

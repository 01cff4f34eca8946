/**
 * The contract of one tfjs kernel: how it wants its inputs laid out (read by the layout pass, no
 * tfjs needed) and how it compiles one validated node into a function of tfjs tensors. Kernels
 * never compute shapes: every logical shape comes from the validated graph, every physical shape
 * from the layout plan.
 */
import type { OpAttrs, OpType, ValidatedNode, ValidatedNodeOf } from '@skipconn/core';
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

/** What the kernel of op K compiles from: its node, with attributes typed by the op, and the layout plan's view of it. */
export interface KernelContext<K extends OpType> {
  readonly tf: Tf;
  readonly node: ValidatedNodeOf<K>;
  /** The node's parsed attributes (node.attrs). */
  readonly attrs: OpAttrs<K>;
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

/** The tfjs kernel of op K. */
export interface TfKernelConfig<K extends OpType> extends LayoutPolicy {
  readonly op: K;
  compile(ctx: KernelContext<K>): CompiledKernel;
}

/** The kernel of any one op (a union, one member per op): narrow it, or compile through compileTfjsKernel. */
export type AnyTfKernel = { readonly [K in OpType]: TfKernelConfig<K> }[OpType];

/** `export const clipKernel = defineTfKernel({ op: 'clip', ... })`: the op names K, and with it the attrs' type. */
export function defineTfKernel<K extends OpType>(config: TfKernelConfig<K>): TfKernelConfig<K> {
  return config;
}

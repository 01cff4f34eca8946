/**
 * The contract of one op in the vocabulary. Core owns it: the name, the attribute type and its
 * defaults, the input arity, and shape inference with errors. Adapters never compute shapes;
 * they read them from the validated graph.
 */
import type { Attrs, ValueInfo } from '../graph/types';
import type { NodeRef } from '../errors';

export type OpCategory = 'merge' | 'conv' | 'pool' | 'norm' | 'activation' | 'elementwise' | 'linear' | 'shape' | 'resample';

export interface OpDef<A = Attrs, T extends string = string> {
  /** The op's name in graph files; also its key in every per-backend table (see ./index.ts). */
  readonly type: T;
  readonly category: OpCategory;
  /** One line for docs and `skipconn inspect`. */
  readonly summary: string;
  /** Names of the inputs in order; names ending in '?' are optional, '...' means variadic. */
  readonly inputNames: readonly string[];
  readonly minInputs: number;
  /** Infinity for variadic ops (concat). */
  readonly maxInputs: number;
  /** Checks attributes and fills defaults. Throws GraphError('ATTRIBUTE_INVALID'). */
  parseAttrs(raw: Attrs, ref: NodeRef): A;
  /** Output infos from input infos. Throws GraphError('SHAPE_MISMATCH') naming expected and received. */
  inferShape(inputs: readonly ValueInfo[], attrs: A, ref: NodeRef): ValueInfo[];
}

/**
 * Helper so each op file reads `export const relu = defineOp<ReluAttrs, typeof RELU>({...})` with
 * full typing: the literal type of `type` is what OpType (./index.ts) is made of.
 */
export function defineOp<A, T extends string>(def: OpDef<A, T>): OpDef<A, T> {
  return def;
}

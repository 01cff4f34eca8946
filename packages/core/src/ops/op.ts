/**
 * The contract of one op in the vocabulary. Core owns it: the name, the attribute type and its
 * defaults, the input arity, and shape inference with errors. Adapters never compute shapes;
 * they read them from the validated graph.
 */
import type { Attrs, ValueInfo } from '../graph/types';
import type { NodeRef } from '../errors';

export type OpCategory = 'merge' | 'conv' | 'pool' | 'norm' | 'activation' | 'elementwise' | 'linear' | 'shape' | 'resample';

export interface OpDef<A = Attrs> {
  readonly type: string;
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

/** Helper so each op file reads `export const relu = defineOp({...})` with full typing. */
export function defineOp<A>(def: OpDef<A>): OpDef<A> {
  return def;
}

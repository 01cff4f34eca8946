/**
 * A fused expression and the values its leaves read: what the fusion pass produces and the
 * emitters bind. Kept apart from the fusion pass so that emitters can build copies without
 * importing it.
 */
import { ExprBuilder, type Expr } from '../kernels/expr';
import { SAME, type Align } from './elementwise';

export interface Leaf {
  readonly value: string;
  readonly align: Align;
  /** A sub-range [offset, offset + length) of a 1-D value (packed constants). */
  readonly slice?: { readonly offset: number; readonly length: number };
}

/** An expression with the leaves its indices refer to. */
export interface Fused {
  readonly expr: Expr;
  readonly leaves: readonly Leaf[];
}

/** A one-leaf copy expression (concat members, materialized outputs, strided reshapes). */
export function copyFused(value: string, align: Align = SAME): Fused {
  const eb = new ExprBuilder();
  return { expr: eb.build(eb.leaf(0)), leaves: [{ value, align }] };
}

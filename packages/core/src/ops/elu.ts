/**
 * elu: y = x for x >= 0, alpha * (exp(x) - 1) for x < 0, elementwise; shape, dtype and layout
 * are kept. ONNX Elu and TF / Keras ELU (TF's Elu has alpha 1; Keras' ELU layer takes alpha).
 *
 * Attributes:
 *   alpha  the negative saturation level's magnitude, a finite number, default 1
 *
 * Exact values, per element (the reference computes exp(x) - 1 as expm1(x), without cancellation):
 *   x >= 0 (-0 included) -> x, so -0 stays -0;  x < 0 -> alpha * expm1(x);
 *   NaN -> NaN (x >= 0 and x < 0 are both false: the input passes through);
 *   +Infinity -> +Infinity;  -Infinity -> -alpha.
 */
import { GraphError, type NodeRef } from '../errors';
import type { Attrs } from '../graph/types';
import { readNumber, rejectUnknownAttrs } from './attrs';
import { unaryOp } from './unary';

export const ELU = 'elu';

export interface EluAttrs {
  readonly alpha: number;
}

export function parseEluAttrs(raw: Attrs, ref: NodeRef): EluAttrs {
  rejectUnknownAttrs(raw, ['alpha'], ref);
  const alpha = readNumber(raw, 'alpha', 1, ref);
  if (!Number.isFinite(alpha)) {
    throw new GraphError('ATTRIBUTE_INVALID', ref, "attribute 'alpha' is invalid", { expected: 'a finite number', received: String(alpha) });
  }
  return { alpha };
}

/** elu as a scalar function, exactly as above, in float64. */
export function eluValue(x: number, alpha: number): number {
  return x < 0 ? alpha * Math.expm1(x) : x;
}

export const elu = unaryOp<EluAttrs, typeof ELU>(ELU, 'y = x for x >= 0, alpha * (exp(x) - 1) below; alpha 1 by default (ONNX Elu, TF Elu)', parseEluAttrs);

/**
 * hardSigmoid: y = max(0, min(1, alpha * x + beta)), elementwise; shape, dtype and layout are kept.
 * ONNX HardSigmoid, with its defaults. PyTorch's Hardsigmoid (relu6(x + 3) / 6, MobileNetV3's
 * squeeze-and-excitation gate) is alpha 1/6, beta 0.5; Keras 2's hard_sigmoid is the defaults.
 * HardSwish is x * hardSigmoid(x; 1/6, 0.5): ONNX defines it so, and the importer writes it so.
 *
 * Attributes:
 *   alpha  slope, a finite number, default 0.2
 *   beta   offset, a finite number, default 0.5
 *
 * Exact values, per element, with t = alpha * x + beta computed in the compute precision:
 *   t < 0 -> 0;  t > 1 -> 1;  otherwise t.
 * So NaN propagates (both comparisons are false), +Infinity gives 1 and -Infinity 0 for a positive
 * alpha (the other way round for a negative one; alpha 0 gives NaN, as 0 * Infinity is NaN), and
 * a result inside [0, 1] is t itself, rounded once to the output dtype.
 */
import { GraphError, type NodeRef } from '../errors';
import type { Attrs } from '../graph/types';
import { readNumber, rejectUnknownAttrs } from './attrs';
import { unaryOp } from './unary';

export const HARD_SIGMOID = 'hardSigmoid';

export interface HardSigmoidAttrs {
  readonly alpha: number;
  readonly beta: number;
}

/** The slope and offset of PyTorch's Hardsigmoid (and of HardSwish's gate). */
export const PYTORCH_HARD_SIGMOID: HardSigmoidAttrs = { alpha: 1 / 6, beta: 0.5 };

function readFinite(raw: Attrs, name: 'alpha' | 'beta', fallback: number, ref: NodeRef): number {
  const v = readNumber(raw, name, fallback, ref);
  if (!Number.isFinite(v)) {
    throw new GraphError('ATTRIBUTE_INVALID', ref, `attribute '${name}' is invalid`, { expected: 'a finite number', received: String(v) });
  }
  return v;
}

export function parseHardSigmoidAttrs(raw: Attrs, ref: NodeRef): HardSigmoidAttrs {
  rejectUnknownAttrs(raw, ['alpha', 'beta'], ref);
  return { alpha: readFinite(raw, 'alpha', 0.2, ref), beta: readFinite(raw, 'beta', 0.5, ref) };
}

/** hardSigmoid as a scalar function: exactly the comparisons above, in float64. */
export function hardSigmoidValue(x: number, alpha: number, beta: number): number {
  const t = alpha * x + beta;
  return t < 0 ? 0 : t > 1 ? 1 : t;
}

export const hardSigmoid = unaryOp<HardSigmoidAttrs, typeof HARD_SIGMOID>(
  HARD_SIGMOID,
  'y = max(0, min(1, alpha * x + beta)); alpha 0.2, beta 0.5 by default (ONNX); PyTorch Hardsigmoid is alpha 1/6',
  parseHardSigmoidAttrs,
);

/**
 * argMax: y = the index of the largest element of x along one axis, as int32. ONNX's ArgMax
 * (select_last_index 0) and TF's ArgMax (keepDims false, output_type int32).
 *
 * Attributes:
 *   axis      integer, negative counts from the end (default 0, as in ONNX)
 *   keepDims  keep the reduced axis with size 1 (default true, as in ONNX; TF's ArgMax drops it)
 * Input: float32, float16, float64 or int32; the axis must not be empty (no index to give).
 * Output: int32, x's shape with the axis reduced (size 1 or dropped), no layout.
 *
 * Exact values, per reduced row:
 *   ties: the first maximum wins (the lowest index); -0 and +0 are equal.
 *   NaN: larger than every number, so the first NaN of a row wins, as NumPy's and PyTorch's
 *     argmax say. The runtimes differ (measured on [1, NaN, 3, NaN, 0]: tfjs's cpu
 *     argMax and onnxruntime's ArgMax both give 2, passing over the NaNs, and pick a NaN only
 *     when it comes first), so their adapters test for NaN themselves.
 */
import { GraphError } from '../errors';
import { formatShape } from '../tensor';
import type { DType } from '../tensor';
import type { ValueInfo } from '../graph/types';
import { defineOp } from './op';
import { readBool, readInt, rejectUnknownAttrs } from './attrs';
import { normalizeAxis } from './shape';
import { ARITHMETIC_DTYPES } from './binary';

export const ARG_MAX = 'argMax';

export interface ArgMaxAttrs {
  readonly axis: number;
  readonly keepDims: boolean;
}

/** The dtypes argMax reads. */
export const ARG_MAX_SOURCES: readonly DType[] = ARITHMETIC_DTYPES;

/** argMax of one row read through `at(0 .. n-1)`, by the header's rule (NaN first, then the first maximum). */
export function argMaxOf(n: number, at: (k: number) => number): number {
  let best = 0;
  let max = at(0);
  if (Number.isNaN(max)) return 0;
  for (let k = 1; k < n; k++) {
    const v = at(k);
    if (Number.isNaN(v)) return k;
    if (v > max) {
      max = v;
      best = k;
    }
  }
  return best;
}

export const argMax = defineOp<ArgMaxAttrs, typeof ARG_MAX>({
  type: ARG_MAX,
  category: 'shape',
  summary: 'y = int32 index of the maximum along an axis (first maximum wins, NaN counts as the largest; keepDims default true)',
  inputNames: ['x'],
  minInputs: 1,
  maxInputs: 1,
  parseAttrs(raw, ref) {
    rejectUnknownAttrs(raw, ['axis', 'keepDims'], ref);
    return { axis: readInt(raw, 'axis', 0, ref), keepDims: readBool(raw, 'keepDims', true, ref) };
  },
  inferShape(inputs, attrs, ref) {
    const x = inputs[0] as ValueInfo;
    if (!ARG_MAX_SOURCES.includes(x.dtype)) {
      throw new GraphError('SHAPE_MISMATCH', ref, 'x has a dtype argMax does not read', { expected: ARG_MAX_SOURCES.join(', '), received: x.dtype });
    }
    const axis = normalizeAxis(attrs.axis, x.shape.length, ref);
    if (x.shape[axis] === 0) {
      throw new GraphError('SHAPE_MISMATCH', ref, `axis ${attrs.axis} is empty`, { expected: 'an axis of size >= 1 (an empty row has no maximum)', received: `x ${formatShape(x.shape)}` });
    }
    const shape = attrs.keepDims ? x.shape.map((d, i) => (i === axis ? 1 : d)) : x.shape.filter((_, i) => i !== axis);
    return [{ dtype: 'int32', shape }];
  },
});

/**
 * topK: the k largest elements of each row along the last axis, and their indices. TF's TopKV2
 * (sorted) and ONNX's TopK (axis -1, largest 1, sorted 1); tf.topk in tfjs.
 *
 * Attributes:
 *   k  integer, 0 <= k <= the last axis's size (required; static, as every shape in the IR is)
 * Input: x of rank >= 1, float32, float16, float64 or int32.
 * Outputs: values (x's dtype) and indices (int32, positions along the last axis), both of shape
 *   x.shape[:-1] ++ [k], no layout.
 *
 * Exact values, per row: values in descending order; of equal values the lower index comes
 * first (TF's and ONNX's rule; -0 and +0 are equal), so the indices are fully determined.
 * NaN is undefined, and the runtimes do differ (measured on [1, NaN, 3, NaN, 0, 3], k = 6: tfjs's
 * cpu topk leaves the NaNs where they were, [1, NaN, 3, NaN, 3, 0]; PyTorch puts them first, as
 * the largest). Conformance holds no adapter to it; the reference evaluator refuses a NaN with
 * INPUT_INVALID.
 */
import { GraphError } from '../errors';
import { formatShape } from '../tensor';
import type { DType } from '../tensor';
import type { ValueInfo } from '../graph/types';
import { defineOp } from './op';
import { readInt, rejectUnknownAttrs } from './attrs';
import { ARITHMETIC_DTYPES } from './binary';

export const TOP_K = 'topK';

export interface TopKAttrs {
  readonly k: number;
}

/** The dtypes topK reads. */
export const TOP_K_SOURCES: readonly DType[] = ARITHMETIC_DTYPES;

/**
 * The order of one row read through `at(0 .. n-1)` by the header's rule: the first k positions
 * by descending value, the lower position first among equal values. NaN must be ruled out first.
 */
export function topKOrder(n: number, k: number, at: (i: number) => number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  // Array.prototype.sort is stable, and the tie-break on the index makes the order total anyway.
  order.sort((i, j) => at(j) - at(i) || i - j);
  return order.slice(0, k);
}

export const topK = defineOp<TopKAttrs, typeof TOP_K>({
  type: TOP_K,
  category: 'shape',
  summary: 'values and int32 indices of the k largest elements along the last axis (descending; ties: lower index first; NaN undefined)',
  inputNames: ['x'],
  minInputs: 1,
  maxInputs: 1,
  parseAttrs(raw, ref) {
    rejectUnknownAttrs(raw, ['k'], ref);
    if (raw['k'] === undefined) {
      throw new GraphError('ATTRIBUTE_INVALID', ref, "attribute 'k' is missing", { expected: 'an integer >= 0 (how many elements to keep)', received: 'nothing' });
    }
    return { k: readInt(raw, 'k', 0, ref, 0) };
  },
  inferShape(inputs, attrs, ref) {
    const x = inputs[0] as ValueInfo;
    if (!TOP_K_SOURCES.includes(x.dtype)) {
      throw new GraphError('SHAPE_MISMATCH', ref, 'x has a dtype topK does not read', { expected: TOP_K_SOURCES.join(', '), received: x.dtype });
    }
    const last = x.shape[x.shape.length - 1];
    if (last === undefined) {
      throw new GraphError('SHAPE_MISMATCH', ref, 'x is a scalar', { expected: 'x of rank >= 1 (topK works along the last axis)', received: `x ${formatShape(x.shape)}` });
    }
    if (attrs.k > last) {
      throw new GraphError('SHAPE_MISMATCH', ref, `k = ${attrs.k} exceeds the last axis`, { expected: `k <= ${last}`, received: `k = ${attrs.k}, x ${formatShape(x.shape)}` });
    }
    const shape = [...x.shape.slice(0, -1), attrs.k];
    return [
      { dtype: x.dtype, shape },
      { dtype: 'int32', shape },
    ];
  },
});

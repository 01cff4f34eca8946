/**
 * gatherNd: y[i_0, ..., i_{q-2}, ...] = x[indices[i_0, ..., i_{q-2}, :], ...]. TF's GatherNd and
 * ONNX's GatherND with batch_dims 0: the last axis of `indices` (length K, 1 <= K <= rank of x)
 * holds a coordinate into x's first K axes, and each coordinate picks the slice x[c_0, ..., c_{K-1}]
 * of the remaining axes.
 *
 * Inputs: x of any dtype the graph holds; indices int32 of rank >= 1.
 * Output: x's dtype, shape indices.shape[:-1] ++ x.shape[K:], no layout.
 *
 * An index outside [0, size) of its axis is undefined, and the runtimes do differ (measured on a
 * [2, 3] x): tfjs's cpu kernel throws on a negative index but reads one past its axis as the flat
 * offset it makes ([0, 3] gives x[1, 0]), its wasm kernel reads memory outside x for a negative
 * one, and ONNX Runtime counts a negative index from the end and refuses one past the axis
 * ("invalid index found"). Conformance holds no adapter to them; the reference evaluator refuses
 * every such index with INPUT_INVALID.
 */
import { GraphError } from '../errors';
import { formatShape } from '../tensor';
import type { ValueInfo } from '../graph/types';
import { defineOp } from './op';
import { parseNoAttrs } from './attrs';

export const GATHER_ND = 'gatherNd';

export const gatherNd = defineOp<Record<string, never>, typeof GATHER_ND>({
  type: GATHER_ND,
  category: 'shape',
  summary: 'y = x[indices[..., :]] (TF GatherNd, ONNX GatherND batch_dims 0); int32 indices, out-of-range ones undefined',
  inputNames: ['x', 'indices'],
  minInputs: 2,
  maxInputs: 2,
  parseAttrs: parseNoAttrs,
  inferShape(inputs, _attrs, ref) {
    const [x, indices] = inputs as [ValueInfo, ValueInfo];
    if (indices.dtype !== 'int32') {
      throw new GraphError('SHAPE_MISMATCH', ref, 'indices must be int32', { expected: 'int32', received: indices.dtype });
    }
    const k = indices.shape[indices.shape.length - 1];
    if (k === undefined || k < 1 || k > x.shape.length) {
      throw new GraphError('SHAPE_MISMATCH', ref, 'indices do not fit x', {
        expected: `indices of rank >= 1 whose last axis (the coordinate length) is in [1, ${x.shape.length}] (the rank of x ${formatShape(x.shape)})`,
        received: `indices ${formatShape(indices.shape)}`,
      });
    }
    return [{ dtype: x.dtype, shape: [...indices.shape.slice(0, -1), ...x.shape.slice(k)] }];
  },
});

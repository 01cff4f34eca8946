/**
 * layerNorm: normalizes x over the axes [axis .. rank-1] (ONNX LayerNormalization,
 * torch.nn.LayerNorm with normalized_shape = x.shape[axis:]).
 *
 *   mean = avg(x[axes]), var = avg((x[axes] - mean)^2)   (biased: divide by the count, as PyTorch and ONNX)
 *   y = (x - mean) / sqrt(var + epsilon) * scale + bias
 *
 * Inputs: x, scale? and bias? (bias needs scale before it), each shaped exactly x.shape.slice(axis):
 * no broadcasting, so a port cannot silently scale the wrong axes.
 * Attrs: axis (integer, default -1, negative counts from the end), epsilon (default 1e-5).
 * The output keeps x's shape and layout. Pre-LN and post-LN transformers differ only in where
 * this node stands relative to the residual merge.
 */
import { GraphError } from '../errors';
import { formatShape, shapesEqual } from '../tensor';
import type { ValueInfo } from '../graph/types';
import { defineOp } from './op';
import { readInt, rejectUnknownAttrs } from './attrs';
import { normalizeAxis, requireFloat, requireSameDType } from './shape';
import { readEpsilon } from './batch-norm';

export const LAYER_NORM = 'layerNorm';

export interface LayerNormAttrs {
  /** First normalized axis; may be negative. Resolve with normalizeAxis against x's rank. */
  readonly axis: number;
  readonly epsilon: number;
}

export const layerNorm = defineOp<LayerNormAttrs, typeof LAYER_NORM>({
  type: LAYER_NORM,
  category: 'norm',
  summary: 'y = (x - mean) / sqrt(var + eps) * scale + bias over axes [axis..rank-1]',
  inputNames: ['x', 'scale?', 'bias?'],
  minInputs: 1,
  maxInputs: 3,
  parseAttrs(raw, ref) {
    rejectUnknownAttrs(raw, ['axis', 'epsilon'], ref);
    return { axis: readInt(raw, 'axis', -1, ref), epsilon: readEpsilon(raw, ref) };
  },
  inferShape(inputs, attrs, ref) {
    const x = inputs[0]!;
    requireFloat(x, 'x', ref);
    requireSameDType(inputs, ref);
    const axis = normalizeAxis(attrs.axis, x.shape.length, ref);
    const normalized = x.shape.slice(axis);
    inputs.slice(1).forEach((p, i) => {
      const name = i === 0 ? 'scale' : 'bias';
      if (!shapesEqual(p.shape, normalized)) {
        throw new GraphError('SHAPE_MISMATCH', ref, `${name} has the wrong shape`, {
          expected: `${name} ${formatShape(normalized)} (x ${formatShape(x.shape)} from axis ${attrs.axis})`,
          received: `${name} ${formatShape(p.shape)}`,
        });
      }
    });
    return [{ dtype: x.dtype, shape: [...x.shape], layout: x.layout } satisfies ValueInfo];
  },
});

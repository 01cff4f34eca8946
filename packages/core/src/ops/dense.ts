/**
 * dense: y = x @ w^T + b over the last axis of x (PyTorch nn.Linear, ONNX Gemm with transB = 1).
 *
 * Inputs: x [..., inFeatures] (rank >= 1), w [outFeatures, inFeatures], b [outFeatures] (optional).
 * Output: [..., outFeatures]. w is stored out-major because that is how PyTorch and ONNX exporters
 * write it; a tfjs Dense kernel ([in, out]) is transposed once at import, never per run.
 *
 * Layout: the output keeps x's layout when x's channel axis is its last axis (NC, NTC, NHWC),
 * because dense then replaces channels with features (a ViT MLP on NTC, a ConvNeXt pointwise
 * layer on NHWC). On NCHW the last axis is W, so the output has no layout.
 */
import { GraphError } from '../errors';
import { formatShape } from '../tensor';
import { channelAxis } from '../layout';
import type { ValueInfo } from '../graph/types';
import { defineOp } from './op';
import { parseNoAttrs } from './attrs';
import { requireBias, requireFloat, requireRank, requireSameDType } from './shape';

export const DENSE = 'dense';

export type DenseAttrs = Record<string, never>;

export const dense = defineOp<DenseAttrs, typeof DENSE>({
  type: DENSE,
  category: 'linear',
  summary: 'y = x @ w^T + b on the last axis; w is [out, in] (nn.Linear, Gemm transB=1)',
  inputNames: ['x', 'w', 'b?'],
  minInputs: 2,
  maxInputs: 3,
  parseAttrs: parseNoAttrs,
  inferShape(inputs, _attrs, ref) {
    const [x, w, b] = inputs as [ValueInfo, ValueInfo, ValueInfo | undefined];
    requireFloat(x, 'x', ref);
    requireSameDType(inputs, ref);
    if (x.shape.length === 0) {
      throw new GraphError('SHAPE_MISMATCH', ref, 'x must have a feature axis', {
        expected: 'x of rank >= 1 ([..., inFeatures])',
        received: `${formatShape(x.shape)} (rank 0)`,
      });
    }
    requireRank(w, 2, 'w ([outFeatures, inFeatures])', ref);
    const inFeatures = x.shape[x.shape.length - 1]!;
    const [outFeatures, wIn] = w.shape as [number, number];
    if (wIn !== inFeatures) {
      throw new GraphError('SHAPE_MISMATCH', ref, 'in-features of x and w differ', {
        expected: `w [outFeatures, ${inFeatures}] for x ${formatShape(x.shape)} (w is [out, in], PyTorch order)`,
        received: `w ${formatShape(w.shape)}, x ${formatShape(x.shape)}`,
        hint: outFeatures === inFeatures ? 'w looks like [in, out] (tfjs/Keras order); transpose it once at import' : undefined,
      });
    }
    requireBias(b, outFeatures, `outFeatures of w ${formatShape(w.shape)}`, ref);
    const shape = [...x.shape.slice(0, -1), outFeatures];
    const layout = x.layout !== undefined && channelAxis(x.layout) === x.shape.length - 1 ? x.layout : undefined;
    return [{ dtype: x.dtype, shape, layout }];
  },
});

/**
 * globalAvgPool: y[n, c] = mean of x[n, c, :, :] over both spatial axes, kept as size-1 axes:
 * [N, C, 1, 1] for NCHW and [N, 1, 1, C] for NHWC (the layout is kept, so a following gate or
 * conv2d sees an image value). An empty spatial extent (H*W = 0) gives NaN, the mean of nothing.
 * No attributes.
 */
import { layoutAxes } from '../layout';
import { defineOp } from './op';
import { parseNoAttrs } from './attrs';
import { requireFloat, requireImageLayout } from './shape';
import { imageShape } from './window';

export const GLOBAL_AVG_POOL = 'globalAvgPool';

/** globalAvgPool has no attributes. */
export type GlobalAvgPoolAttrs = Record<string, never>;

export const globalAvgPool = defineOp<GlobalAvgPoolAttrs, typeof GLOBAL_AVG_POOL>({
  type: GLOBAL_AVG_POOL,
  category: 'pool',
  summary: 'mean over the spatial axes, kept as size 1 ([N,C,1,1] or [N,1,1,C]); squeeze-and-excitation, classifier heads',
  inputNames: ['x'],
  minInputs: 1,
  maxInputs: 1,
  parseAttrs: parseNoAttrs,
  inferShape(inputs, _attrs, ref) {
    const x = inputs[0]!;
    const layout = requireImageLayout(x, 'x', ref);
    requireFloat(x, 'x', ref);
    const c = x.shape[layoutAxes(layout).channels]!;
    return [{ dtype: x.dtype, shape: imageShape(layout, x.shape[0]!, c, 1, 1), layout }];
  },
});

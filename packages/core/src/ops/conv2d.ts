/**
 * conv2d: y[n, o, i, j] = b[o] + sum over (c in o's group, kh, kw) of
 *   x[n, c, i*sh - padTop + kh*dh, j*sw - padLeft + kw*dw] * w[o, c - groupStart, kh, kw]
 * where positions outside x read 0 (zero padding).
 *
 * Inputs: x (NCHW or NHWC; the output keeps x's layout), w, b?.
 * w is always [outChannels, inChannels/groups, kH, kW] (PyTorch and ONNX order) whatever the
 * activation layout, so a port between layouts never reorders weights; b is [outChannels].
 * Attributes: strides [sh, sw] (default [1, 1]), pads [top, left, bottom, right] (default 0),
 * dilations [dh, dw] (default [1, 1]), groups (default 1; inChannels and outChannels must both be
 * divisible by it; groups = inChannels is a depthwise convolution).
 * Output size per spatial axis: floor((in + padBegin + padEnd - dilation*(k-1) - 1) / stride) + 1;
 * it must be at least 1.
 */
import { GraphError } from '../errors';
import { formatShape } from '../tensor';
import { defineOp } from './op';
import { convOperands, imageShape, readConvAttrs, requirePositiveOutput, spatialSize } from './window';
import { rejectUnknownAttrs } from './attrs';
import { requireBias, windowOutputSize } from './shape';

export const CONV2D = 'conv2d';

export interface Conv2dAttrs {
  /** [strideH, strideW], each >= 1. */
  readonly strides: readonly [number, number];
  /** [top, left, bottom, right], each >= 0. */
  readonly pads: readonly [number, number, number, number];
  /** [dilationH, dilationW], each >= 1. */
  readonly dilations: readonly [number, number];
  readonly groups: number;
}

export const conv2d = defineOp<Conv2dAttrs, typeof CONV2D>({
  type: CONV2D,
  category: 'conv',
  summary: '2-D convolution (stride, pads, dilation, groups); w is [O, I/groups, kH, kW] in every layout',
  inputNames: ['x', 'w', 'b?'],
  minInputs: 2,
  maxInputs: 3,
  parseAttrs(raw, ref) {
    rejectUnknownAttrs(raw, ['strides', 'pads', 'dilations', 'groups'], ref);
    return readConvAttrs(raw, ref);
  },
  inferShape(inputs, attrs, ref) {
    const { x, w, b, layout, inChannels, dims } = convOperands(inputs, 'weight w ([outChannels, inChannels/groups, kH, kW])', ref);
    const [outChannels, perGroup, kh, kw] = dims;
    const g = attrs.groups;
    if (inChannels % g !== 0 || outChannels % g !== 0 || perGroup * g !== inChannels) {
      throw new GraphError('SHAPE_MISMATCH', ref, 'weight does not match the input channels and groups', {
        expected: inChannels % g === 0 ? `w [outChannels, ${inChannels / g}, kH, kW] (inChannels ${inChannels} / groups ${g}), outChannels divisible by ${g}` : `inChannels ${inChannels} divisible by groups ${g}`,
        received: `w ${formatShape(w.shape)}, x ${formatShape(x.shape)} (${layout})`,
      });
    }
    requireBias(b, outChannels, 'outChannels of w', ref);
    const input = spatialSize(x);
    const { strides: s, pads: p, dilations: d } = attrs;
    const out: [number, number] = [windowOutputSize(input[0], kh, s[0], p[0], p[2], d[0]), windowOutputSize(input[1], kw, s[1], p[1], p[3], d[1])];
    requirePositiveOutput(out, { input, kernel: [kh, kw], pads: p, dilations: d }, 'input + padBegin + padEnd >= dilation*(kernel-1) + 1', ref);
    return [{ dtype: x.dtype, shape: imageShape(layout, x.shape[0]!, outChannels, out[0], out[1]), layout }];
  },
});

/**
 * convTranspose2d (the gradient of conv2d with respect to its input; U-Net's up-convolution):
 * every input element scatters x[n, c, i, j] * w[c, o - groupStart, kh, kw] into
 *   y[n, o, i*sh - padTop + kh*dh, j*sw - padLeft + kw*dw]
 * for each o in c's group; positions that fall outside y are dropped. Then b[o] is added.
 *
 * Inputs: x (NCHW or NHWC; the output keeps x's layout), w, b?.
 * w is always [inChannels, outChannels/groups, kH, kW] (PyTorch and ONNX order) whatever the
 * activation layout; b is [outChannels], outChannels = w[1] * groups.
 * Attributes: strides, pads [top, left, bottom, right], dilations, groups as for conv2d, and
 * outputPadding [oh, ow] (default [0, 0]): extra rows/columns at the bottom/right that resolve the
 * ambiguity of strided conv output sizes; each must be smaller than its stride or its dilation
 * (PyTorch's rule; ONNX allows the same).
 * Output size per spatial axis:
 *   out = (in - 1)*stride - padBegin - padEnd + dilation*(k - 1) + outputPadding + 1, at least 1.
 */
import { GraphError } from '../errors';
import { formatShape } from '../tensor';
import { defineOp } from './op';
import type { Conv2dAttrs } from './conv2d';
import { rejectUnknownAttrs } from './attrs';
import { requireBias } from './shape';
import { convOperands, imageShape, readConvAttrs, readPair, requirePositiveOutput, spatialSize } from './window';

export const CONV_TRANSPOSE2D = 'convTranspose2d';

/** conv2d's attributes, read the same way, and outputPadding. */
export interface ConvTranspose2dAttrs extends Conv2dAttrs {
  /** [top, left, bottom, right]: rows/columns cropped from the full output. */
  readonly pads: readonly [number, number, number, number];
  /** [oh, ow], added at the bottom/right; each < stride or < dilation on its axis. */
  readonly outputPadding: readonly [number, number];
}

/** Output size of a transposed convolution on one axis. */
export function transposedOutputSize(input: number, kernel: number, stride: number, padBegin: number, padEnd: number, dilation: number, outputPadding: number): number {
  return (input - 1) * stride - padBegin - padEnd + dilation * (kernel - 1) + outputPadding + 1;
}

export const convTranspose2d = defineOp<ConvTranspose2dAttrs, typeof CONV_TRANSPOSE2D>({
  type: CONV_TRANSPOSE2D,
  category: 'conv',
  summary: '2-D transposed convolution (up-convolution); w is [I, O/groups, kH, kW] in every layout',
  inputNames: ['x', 'w', 'b?'],
  minInputs: 2,
  maxInputs: 3,
  parseAttrs(raw, ref) {
    rejectUnknownAttrs(raw, ['strides', 'pads', 'dilations', 'groups', 'outputPadding'], ref);
    const attrs: ConvTranspose2dAttrs = { ...readConvAttrs(raw, ref), outputPadding: readPair(raw, 'outputPadding', [0, 0], ref, 0) };
    const { strides: s, dilations: d, outputPadding: op } = attrs;
    if (!(op[0] < s[0] || op[0] < d[0]) || !(op[1] < s[1] || op[1] < d[1])) {
      throw new GraphError('ATTRIBUTE_INVALID', ref, "attribute 'outputPadding' is too large", {
        expected: `each outputPadding smaller than its stride or its dilation (strides ${formatShape(s)}, dilations ${formatShape(d)})`,
        received: formatShape(op),
      });
    }
    return attrs;
  },
  inferShape(inputs, attrs, ref) {
    const { x, w, b, layout, inChannels, dims } = convOperands(inputs, 'weight w ([inChannels, outChannels/groups, kH, kW])', ref);
    const [wIn, perGroup, kh, kw] = dims;
    const g = attrs.groups;
    if (wIn !== inChannels || inChannels % g !== 0) {
      throw new GraphError('SHAPE_MISMATCH', ref, 'weight does not match the input channels and groups', {
        expected: inChannels % g === 0 ? `w [${inChannels}, outChannels/${g}, kH, kW] (first axis = inChannels ${inChannels})` : `inChannels ${inChannels} divisible by groups ${g}`,
        received: `w ${formatShape(w.shape)}, x ${formatShape(x.shape)} (${layout})`,
      });
    }
    const outChannels = perGroup * g;
    requireBias(b, outChannels, 'w[1] * groups', ref);
    const input = spatialSize(x);
    const { strides: s, pads: p, dilations: d, outputPadding: op } = attrs;
    const out: [number, number] = [transposedOutputSize(input[0], kh, s[0], p[0], p[2], d[0], op[0]), transposedOutputSize(input[1], kw, s[1], p[1], p[3], d[1], op[1])];
    requirePositiveOutput(out, { input, kernel: [kh, kw], pads: p, dilations: d }, '(in-1)*stride + dilation*(kernel-1) + outputPadding + 1 > padBegin + padEnd', ref);
    return [{ dtype: x.dtype, shape: imageShape(layout, x.shape[0]!, outChannels, out[0], out[1]), layout }];
  },
});

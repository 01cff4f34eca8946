/**
 * pad: pads the two spatial axes of x (NCHW or NHWC; layout, batch and channels kept).
 *
 * Attributes: pads [top, left, bottom, right] (each >= 0; they name the layout's spatial axes, so
 * the same node pads H and W in either layout), mode (default 'constant'), value (default 0,
 * constant mode only; giving it with another mode is an error rather than silently ignored).
 * Modes, for a padded position p on an axis of size n (p < 0 before the start, p >= n after):
 *   constant: value.
 *   reflect:  mirror without repeating the edge: -1 -> 1, n -> n - 2 (NumPy 'reflect', ONNX
 *             'reflect', PyTorch ReflectionPad). Needs pad < n on that axis.
 *   edge:     repeat the edge: p < 0 -> 0, p >= n -> n - 1 (NumPy 'edge', ONNX 'edge', PyTorch
 *             ReplicationPad). Needs n >= 1 where any pad is > 0.
 * Output spatial size: H + top + bottom, W + left + right.
 */
import { GraphError } from '../errors';
import { formatShape } from '../tensor';
import { layoutAxes } from '../layout';
import { defineOp } from './op';
import { readEnum, readNumber, rejectUnknownAttrs } from './attrs';
import { requireFloat, requireImageLayout } from './shape';
import { imageShape, readPads, spatialSize } from './window';

export const PAD = 'pad';

export type PadMode = 'constant' | 'reflect' | 'edge';

export const PAD_MODES: readonly PadMode[] = ['constant', 'reflect', 'edge'];

export interface PadAttrs {
  /** [top, left, bottom, right], each >= 0. */
  readonly pads: readonly [number, number, number, number];
  readonly mode: PadMode;
  /** The fill of constant mode (0 otherwise). */
  readonly value: number;
}

export const pad = defineOp<PadAttrs, typeof PAD>({
  type: PAD,
  category: 'shape',
  summary: 'pads the spatial axes: constant, reflect or edge',
  inputNames: ['x'],
  minInputs: 1,
  maxInputs: 1,
  parseAttrs(raw, ref) {
    rejectUnknownAttrs(raw, ['pads', 'mode', 'value'], ref);
    const mode = readEnum(raw, 'mode', PAD_MODES, 'constant', ref);
    if (mode !== 'constant' && raw['value'] !== undefined) {
      throw new GraphError('ATTRIBUTE_INVALID', ref, "attribute 'value' applies to mode 'constant' only", {
        expected: `no value with mode '${mode}'`,
        received: JSON.stringify(raw['value']),
      });
    }
    return { pads: readPads(raw, ref), mode, value: readNumber(raw, 'value', 0, ref) };
  },
  inferShape(inputs, attrs, ref) {
    const x = inputs[0]!;
    const layout = requireImageLayout(x, 'x', ref);
    requireFloat(x, 'x', ref);
    const [h, w] = spatialSize(x);
    const [top, left, bottom, right] = attrs.pads;
    const tooLarge = (size: number, a: number, b: number): boolean => (attrs.mode === 'reflect' ? (a > 0 && a >= size) || (b > 0 && b >= size) : attrs.mode === 'edge' ? size === 0 && a + b > 0 : false);
    if (tooLarge(h, top, bottom) || tooLarge(w, left, right)) {
      throw new GraphError('SHAPE_MISMATCH', ref, `pads too large for mode '${attrs.mode}'`, {
        expected: attrs.mode === 'reflect' ? `top and bottom < H ${h}, left and right < W ${w} (reflect mirrors inside the axis)` : 'a non-empty axis wherever a pad is > 0 (edge repeats an element)',
        received: `pads ${formatShape(attrs.pads)} for x ${formatShape(x.shape)} (${layout})`,
      });
    }
    const c = x.shape[layoutAxes(layout).channels]!;
    return [{ dtype: x.dtype, shape: imageShape(layout, x.shape[0]!, c, h + top + bottom, w + left + right), layout }];
  },
});

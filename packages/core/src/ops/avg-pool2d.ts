/**
 * avgPool2d: y[n, c, i, j] = (sum of the input elements in the window) / divisor.
 *
 * Input x (NCHW or NHWC; the output keeps x's layout and channel count).
 * Attributes: kernel [kh, kw] (required), strides (default [1, 1]), pads [top, left, bottom,
 * right] (default 0, each smaller than the kernel), ceilMode (default false; output size and the
 * dropped-last-window rule exactly as maxPool2d), and countIncludePad, which is REQUIRED:
 * PyTorch defaults it to true and ONNX to false, so the IR makes every graph say which.
 *
 * The divisor, per axis (the 2-D divisor is the product of the two):
 *   start = out*stride - padBegin
 *   countIncludePad true:  min(start + k, in + padEnd) - start
 *       the window clipped to the padded input (PyTorch's rule). Padding counts, but the part of
 *       a ceil-mode window that hangs past the end padding does not. In floor mode nothing hangs
 *       past, so the divisor is always kh*kw.
 *   countIncludePad false: min(start + k, in) - max(start, 0)
 *       the number of real input elements in the window.
 * Padded positions contribute 0 to the sum either way. NaN in a window propagates.
 */
import { GraphError } from '../errors';
import { defineOp } from './op';
import { readBool, rejectUnknownAttrs } from './attrs';
import { poolShape, readPair, readPoolWindow } from './window';

export const AVG_POOL2D = 'avgPool2d';

export interface AvgPool2dAttrs {
  readonly kernel: readonly [number, number];
  readonly strides: readonly [number, number];
  /** [top, left, bottom, right], each smaller than the kernel on its axis. */
  readonly pads: readonly [number, number, number, number];
  readonly ceilMode: boolean;
  /** Divide by the window clipped to the padded input (true) or by the real elements only (false). */
  readonly countIncludePad: boolean;
}

export const avgPool2d = defineOp<AvgPool2dAttrs, typeof AVG_POOL2D>({
  type: AVG_POOL2D,
  category: 'pool',
  summary: '2-D average pooling (kernel, stride, pads, ceil mode); countIncludePad must be explicit',
  inputNames: ['x'],
  minInputs: 1,
  maxInputs: 1,
  parseAttrs(raw, ref) {
    rejectUnknownAttrs(raw, ['kernel', 'strides', 'pads', 'ceilMode', 'countIncludePad'], ref);
    if (raw['countIncludePad'] === undefined) {
      throw new GraphError('ATTRIBUTE_INVALID', ref, "attribute 'countIncludePad' is required", {
        expected: 'true or false (PyTorch defaults to true, ONNX to false, so the IR makes it explicit)',
        received: 'nothing',
      });
    }
    const { kernel, pads } = readPoolWindow(raw, ref);
    return {
      kernel,
      strides: readPair(raw, 'strides', [1, 1], ref, 1),
      pads,
      ceilMode: readBool(raw, 'ceilMode', false, ref),
      countIncludePad: readBool(raw, 'countIncludePad', false, ref),
    };
  },
  inferShape(inputs, attrs, ref) {
    return [poolShape(inputs[0]!, { ...attrs, dilations: [1, 1] }, ref)];
  },
});

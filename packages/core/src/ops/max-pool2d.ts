/**
 * maxPool2d: y[n, c, i, j] = max over (kh, kw) of x[n, c, i*sh - padTop + kh*dh, j*sw - padLeft + kw*dw],
 * taken over the positions inside x only.
 *
 * Input x (NCHW or NHWC; the output keeps x's layout and channel count).
 * Attributes: kernel [kh, kw] (required), strides (default [1, 1], as ONNX; PyTorch defaults to the
 * kernel, so its exporters always write it), pads [top, left, bottom, right] (default 0; each must
 * be smaller than the kernel on its axis, the ONNX rule, so a window is never all padding),
 * dilations (default [1, 1]), ceilMode (default false).
 *
 * Padding: padded positions never win (they act as -Infinity), so a negative input is not
 * clipped to 0. NaN: a NaN anywhere in a window makes that output NaN (NaN propagates, as in
 * PyTorch); runtimes whose max ignores NaN differ here, and conformance cases pin it down.
 * Output size: floor((in + padBegin + padEnd - dilation*(k-1) - 1) / stride) + 1, or with ceil
 * instead of floor in ceil mode; then, in ceil mode, the last window is dropped when it would
 * start in the end padding: if (out - 1)*stride >= in + padBegin then out -= 1 (PyTorch and ONNX).
 */
import { defineOp } from './op';
import { readBool, rejectUnknownAttrs } from './attrs';
import { poolShape, readPair, readPoolWindow } from './window';

export const MAX_POOL2D = 'maxPool2d';

export interface MaxPool2dAttrs {
  readonly kernel: readonly [number, number];
  readonly strides: readonly [number, number];
  /** [top, left, bottom, right], each smaller than the kernel on its axis. */
  readonly pads: readonly [number, number, number, number];
  readonly dilations: readonly [number, number];
  readonly ceilMode: boolean;
}

export const maxPool2d = defineOp<MaxPool2dAttrs, typeof MAX_POOL2D>({
  type: MAX_POOL2D,
  category: 'pool',
  summary: '2-D max pooling (kernel, stride, pads, dilation, ceil mode); padding never wins, NaN propagates',
  inputNames: ['x'],
  minInputs: 1,
  maxInputs: 1,
  parseAttrs(raw, ref) {
    rejectUnknownAttrs(raw, ['kernel', 'strides', 'pads', 'dilations', 'ceilMode'], ref);
    const { kernel, pads } = readPoolWindow(raw, ref);
    return {
      kernel,
      strides: readPair(raw, 'strides', [1, 1], ref, 1),
      pads,
      dilations: readPair(raw, 'dilations', [1, 1], ref, 1),
      ceilMode: readBool(raw, 'ceilMode', false, ref),
    };
  },
  inferShape(inputs, attrs, ref) {
    return [poolShape(inputs[0]!, attrs, ref)];
  },
});

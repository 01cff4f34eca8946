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
import { GraphError, type NodeRef } from '../errors';
import { formatShape } from '../tensor';
import { layoutAxes } from '../layout';
import type { Attrs, ValueInfo } from '../graph/types';
import { defineOp } from './op';
import { readBool, rejectUnknownAttrs } from './attrs';
import { requireFloat, requireImageLayout, windowOutputSize } from './shape';
import { imageShape, readPads, readPair, requirePositiveOutput, spatialSize } from './conv2d';

export const MAX_POOL2D = 'maxPool2d';

export interface MaxPool2dAttrs {
  readonly kernel: readonly [number, number];
  readonly strides: readonly [number, number];
  /** [top, left, bottom, right], each smaller than the kernel on its axis. */
  readonly pads: readonly [number, number, number, number];
  readonly dilations: readonly [number, number];
  readonly ceilMode: boolean;
}

/** Reads the required pooling `kernel` [kh, kw]; there is no sensible default window. */
export function readPoolKernel(raw: Attrs, ref: NodeRef): [number, number] {
  if (raw['kernel'] === undefined) {
    throw new GraphError('ATTRIBUTE_INVALID', ref, "attribute 'kernel' is required", { expected: 'a list of 2 integers >= 1', received: 'nothing' });
  }
  return readPair(raw, 'kernel', [1, 1], ref, 1);
}

/** ONNX's rule: every pad smaller than the kernel on its axis, so no window lies wholly in padding. */
export function requirePadsBelowKernel(pads: readonly [number, number, number, number], kernel: readonly [number, number], ref: NodeRef): void {
  const [t, l, b, r] = pads;
  if (t < kernel[0] && b < kernel[0] && l < kernel[1] && r < kernel[1]) return;
  throw new GraphError('ATTRIBUTE_INVALID', ref, 'pads must be smaller than the kernel', {
    expected: `top and bottom < ${kernel[0]}, left and right < ${kernel[1]} (kernel ${formatShape(kernel)})`,
    received: `pads ${formatShape(pads)}`,
  });
}

/** Pooling output size on one axis, with the ceil-mode rule that drops a window starting in the end padding. */
export function poolOutputSize(input: number, kernel: number, stride: number, padBegin: number, padEnd: number, dilation: number, ceilMode: boolean): number {
  let out = windowOutputSize(input, kernel, stride, padBegin, padEnd, dilation, ceilMode);
  if (ceilMode && (out - 1) * stride >= input + padBegin) out -= 1;
  return out;
}

/** Output info of a pooling op: same batch, channels, dtype and layout; pooled spatial sizes. */
export function poolShape(
  x: ValueInfo,
  a: { kernel: readonly [number, number]; strides: readonly [number, number]; pads: readonly [number, number, number, number]; dilations: readonly [number, number]; ceilMode: boolean },
  ref: NodeRef,
): ValueInfo {
  const layout = requireImageLayout(x, 'x', ref);
  requireFloat(x, 'x', ref);
  const input = spatialSize(x);
  const { kernel: k, strides: s, pads: p, dilations: d } = a;
  const out: [number, number] = [
    poolOutputSize(input[0], k[0], s[0], p[0], p[2], d[0], a.ceilMode),
    poolOutputSize(input[1], k[1], s[1], p[1], p[3], d[1], a.ceilMode),
  ];
  requirePositiveOutput(out, { input, kernel: k, pads: p, dilations: d }, 'input + padBegin + padEnd >= dilation*(kernel-1) + 1', ref);
  const c = x.shape[layoutAxes(layout).channels]!;
  return { dtype: x.dtype, shape: imageShape(layout, x.shape[0]!, c, out[0], out[1]), layout };
}

export const maxPool2d = defineOp<MaxPool2dAttrs>({
  type: MAX_POOL2D,
  category: 'pool',
  summary: '2-D max pooling (kernel, stride, pads, dilation, ceil mode); padding never wins, NaN propagates',
  inputNames: ['x'],
  minInputs: 1,
  maxInputs: 1,
  parseAttrs(raw, ref) {
    rejectUnknownAttrs(raw, ['kernel', 'strides', 'pads', 'dilations', 'ceilMode'], ref);
    const kernel = readPoolKernel(raw, ref);
    const pads = readPads(raw, ref);
    requirePadsBelowKernel(pads, kernel, ref);
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

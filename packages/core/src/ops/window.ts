/**
 * Sliding-window helpers shared by the image ops (conv2d, convTranspose2d, the pools, resize, pad):
 * attribute readers, the convolutions' operand checks, spatial sizes, output-size rules and their
 * errors.
 */
import { GraphError, type NodeRef } from '../errors';
import { formatShape } from '../tensor';
import { layoutAxes } from '../layout';
import type { Attrs, ValueInfo } from '../graph/types';
import { readInt, readIntList } from './attrs';
import { requireFloat, requireImageLayout, requireRank, requireSameDType, windowOutputSize } from './shape';
import type { Conv2dAttrs } from './conv2d';

/** Reads an [h, w] pair attribute (strides, dilations, kernel, outputPadding). */
export function readPair(raw: Attrs, name: string, fallback: readonly [number, number], ref: NodeRef, min: number): [number, number] {
  return readIntList(raw, name, fallback, ref, 2, min) as [number, number];
}

/** Reads pads [top, left, bottom, right], each >= 0. */
export function readPads(raw: Attrs, ref: NodeRef): [number, number, number, number] {
  return readIntList(raw, 'pads', [0, 0, 0, 0], ref, 4, 0) as [number, number, number, number];
}

/** Height and width of an image value in its layout. */
export function spatialSize(info: ValueInfo): [number, number] {
  const [h, w] = layoutAxes(info.layout!).spatial;
  return [info.shape[h!]!, info.shape[w!]!];
}

/** Builds the output shape of an image op from batch, channels and [h, w], in `layout`. */
export function imageShape(layout: 'NCHW' | 'NHWC', n: number, c: number, h: number, w: number): number[] {
  return layout === 'NCHW' ? [n, c, h, w] : [n, h, w, c];
}

/**
 * Throws when a window op's output would be empty on a spatial axis. Names the input size, kernel,
 * pads and dilations so the user can see which one is off; `rule` states the size formula's bound.
 */
export function requirePositiveOutput(
  out: readonly [number, number],
  facts: { input: readonly [number, number]; kernel: readonly [number, number]; pads: readonly number[]; dilations: readonly [number, number] },
  rule: string,
  ref: NodeRef,
): void {
  if (out[0] > 0 && out[1] > 0) return;
  throw new GraphError('SHAPE_MISMATCH', ref, 'the output would be empty', {
    expected: `an output size >= 1 on each spatial axis (${rule})`,
    received: `output ${formatShape(out)} from input ${formatShape(facts.input)}, kernel ${formatShape(facts.kernel)}, pads ${formatShape(facts.pads)}, dilations ${formatShape(facts.dilations)}`,
  });
}

/** A weight's spatial kernel must be at least 1x1 (an empty kernel has no defined output size). */
function requireKernel(kernel: readonly [number, number], w: ValueInfo, ref: NodeRef): void {
  if (kernel[0] >= 1 && kernel[1] >= 1) return;
  throw new GraphError('SHAPE_MISMATCH', ref, 'weight has an empty kernel', {
    expected: 'kH >= 1 and kW >= 1 in the last two axes of w',
    received: `w ${formatShape(w.shape)}`,
  });
}

/** Reads conv2d's attributes (also convTranspose2d's, but for outputPadding), in this order. */
export function readConvAttrs(raw: Attrs, ref: NodeRef): Conv2dAttrs {
  return {
    strides: readPair(raw, 'strides', [1, 1], ref, 1),
    pads: readPads(raw, ref),
    dilations: readPair(raw, 'dilations', [1, 1], ref, 1),
    groups: readInt(raw, 'groups', 1, ref, 1),
  };
}

/** The checked operands of a convolution, with x's layout and channel count and w's four dims. */
export interface ConvOperands {
  readonly x: ValueInfo;
  readonly w: ValueInfo;
  readonly b: ValueInfo | undefined;
  readonly layout: 'NCHW' | 'NHWC';
  readonly inChannels: number;
  readonly dims: readonly [number, number, number, number];
}

/**
 * The checks conv2d and convTranspose2d make first: x an image of floats, one dtype for all
 * inputs, w of rank 4 with a kernel of at least 1x1. `weight` names w's axes in the rank error.
 */
export function convOperands(inputs: readonly ValueInfo[], weight: string, ref: NodeRef): ConvOperands {
  const [x, w, b] = inputs as [ValueInfo, ValueInfo, ValueInfo | undefined];
  const layout = requireImageLayout(x, 'x', ref);
  requireFloat(x, 'x', ref);
  requireSameDType(inputs, ref);
  requireRank(w, 4, weight, ref);
  const dims = w.shape as [number, number, number, number];
  requireKernel([dims[2], dims[3]], w, ref);
  return { x, w, b, layout, inChannels: x.shape[layoutAxes(layout).channels]!, dims };
}

/** Reads the required pooling `kernel` [kh, kw]; there is no sensible default window. */
function readPoolKernel(raw: Attrs, ref: NodeRef): [number, number] {
  if (raw['kernel'] === undefined) {
    throw new GraphError('ATTRIBUTE_INVALID', ref, "attribute 'kernel' is required", { expected: 'a list of 2 integers >= 1', received: 'nothing' });
  }
  return readPair(raw, 'kernel', [1, 1], ref, 1);
}

/** ONNX's rule: every pad smaller than the kernel on its axis, so no window lies wholly in padding. */
function requirePadsBelowKernel(pads: readonly [number, number, number, number], kernel: readonly [number, number], ref: NodeRef): void {
  const [t, l, b, r] = pads;
  if (t < kernel[0] && b < kernel[0] && l < kernel[1] && r < kernel[1]) return;
  throw new GraphError('ATTRIBUTE_INVALID', ref, 'pads must be smaller than the kernel', {
    expected: `top and bottom < ${kernel[0]}, left and right < ${kernel[1]} (kernel ${formatShape(kernel)})`,
    received: `pads ${formatShape(pads)}`,
  });
}

/** Reads a pool's required kernel and its pads, each pad smaller than the kernel on its axis. */
export function readPoolWindow(raw: Attrs, ref: NodeRef): { kernel: [number, number]; pads: [number, number, number, number] } {
  const kernel = readPoolKernel(raw, ref);
  const pads = readPads(raw, ref);
  requirePadsBelowKernel(pads, kernel, ref);
  return { kernel, pads };
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
  const out: [number, number] = [poolOutputSize(input[0], k[0], s[0], p[0], p[2], d[0], a.ceilMode), poolOutputSize(input[1], k[1], s[1], p[1], p[3], d[1], a.ceilMode)];
  requirePositiveOutput(out, { input, kernel: k, pads: p, dilations: d }, 'input + padBegin + padEnd >= dilation*(kernel-1) + 1', ref);
  const c = x.shape[layoutAxes(layout).channels]!;
  return { dtype: x.dtype, shape: imageShape(layout, x.shape[0]!, c, out[0], out[1]), layout };
}

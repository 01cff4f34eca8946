/**
 * resize: resamples the two spatial axes of x (NCHW or NHWC; layout, batch and channels kept),
 * as ONNX Resize (opset 13+) specifies it, restricted to the modes real skip architectures use
 * (U-Net and FPN upsampling).
 *
 * Attributes:
 *   mode: 'nearest' | 'bilinear' (required; runtimes disagree on a default).
 *   coordinateTransform (default 'half_pixel'), per spatial axis, with x_out the output index:
 *     asymmetric:          x_in = x_out / scale
 *     half_pixel:          x_in = (x_out + 0.5) / scale - 0.5
 *     pytorch_half_pixel:  x_in = out > 1 ? (x_out + 0.5) / scale - 0.5 : 0
 *     align_corners:       x_in = out > 1 ? x_out * (in - 1) / (out - 1) : 0
 *   where in and out are the integer axis lengths.
 *   scales [sh, sw] (positive numbers; out = floor(in * scale)) or size [oh, ow] (integers >= 1):
 *     exactly one. As in ONNX, `scale` above is the given scale when scales are given and out/in
 *     when size is given; the two differ when in * scale is not an integer.
 *   nearestMode (nearest only; default 'round_prefer_floor'): how x_in becomes an index:
 *     floor, ceil, round_prefer_floor (x.5 goes down), round_prefer_ceil (x.5 goes up).
 *
 * Sampling: nearest rounds x_in by nearestMode, then clamps the index to [0, in - 1]. bilinear
 * clamps x_in to [0, in - 1] (ONNX's edge behaviour), takes i0 = floor(x_in), i1 = min(i0 + 1,
 * in - 1), weight of i1 = x_in - i0, and interpolates along H and W. A non-empty spatial axis
 * must not resize to 0, and an empty one (in = 0) can only be scaled (to 0).
 */
import { GraphError, type NodeRef } from '../errors';
import { formatShape } from '../tensor';
import { layoutAxes } from '../layout';
import type { Attrs } from '../graph/types';
import { defineOp } from './op';
import { readEnum, readIntList, rejectUnknownAttrs } from './attrs';
import { requireFloat, requireImageLayout } from './shape';
import { imageShape, spatialSize } from './window';

export const RESIZE = 'resize';

export type ResizeMode = 'nearest' | 'bilinear';
export type CoordinateTransform = 'asymmetric' | 'half_pixel' | 'pytorch_half_pixel' | 'align_corners';
export type NearestMode = 'floor' | 'ceil' | 'round_prefer_floor' | 'round_prefer_ceil';

export const RESIZE_MODES: readonly ResizeMode[] = ['nearest', 'bilinear'];
export const COORDINATE_TRANSFORMS: readonly CoordinateTransform[] = ['asymmetric', 'half_pixel', 'pytorch_half_pixel', 'align_corners'];
export const NEAREST_MODES: readonly NearestMode[] = ['floor', 'ceil', 'round_prefer_floor', 'round_prefer_ceil'];

export interface ResizeAttrs {
  readonly mode: ResizeMode;
  readonly coordinateTransform: CoordinateTransform;
  readonly nearestMode: NearestMode;
  /** [sh, sw]; present exactly when size is absent. */
  readonly scales?: readonly [number, number];
  /** [oh, ow]; present exactly when scales is absent. */
  readonly size?: readonly [number, number];
}

function readScales(raw: Attrs, ref: NodeRef): [number, number] | undefined {
  const v = raw['scales'];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length !== 2 || !v.every((s) => typeof s === 'number' && Number.isFinite(s) && s > 0)) {
    throw new GraphError('ATTRIBUTE_INVALID', ref, "attribute 'scales' is invalid", { expected: 'a list of 2 positive numbers [sh, sw]', received: JSON.stringify(v) });
  }
  return [v[0] as number, v[1] as number];
}

/** The scale each axis's coordinate transform uses: the given scale, or out/in when size was given. */
export function resizeScales(attrs: ResizeAttrs, input: readonly [number, number], output: readonly [number, number]): [number, number] {
  return attrs.scales !== undefined ? [attrs.scales[0], attrs.scales[1]] : [output[0] / input[0], output[1] / input[1]];
}

export const resize = defineOp<ResizeAttrs, typeof RESIZE>({
  type: RESIZE,
  category: 'resample',
  summary: 'nearest or bilinear resampling of the spatial axes, ONNX Resize coordinate transforms',
  inputNames: ['x'],
  minInputs: 1,
  maxInputs: 1,
  parseAttrs(raw, ref) {
    rejectUnknownAttrs(raw, ['mode', 'coordinateTransform', 'nearestMode', 'scales', 'size'], ref);
    if (raw['mode'] === undefined) {
      throw new GraphError('ATTRIBUTE_INVALID', ref, "attribute 'mode' is required", { expected: `one of ${RESIZE_MODES.join(', ')}`, received: 'nothing' });
    }
    const mode = readEnum(raw, 'mode', RESIZE_MODES, 'nearest', ref);
    if (mode !== 'nearest' && raw['nearestMode'] !== undefined) {
      throw new GraphError('ATTRIBUTE_INVALID', ref, "attribute 'nearestMode' applies to mode 'nearest' only", {
        expected: `no nearestMode with mode '${mode}'`,
        received: JSON.stringify(raw['nearestMode']),
      });
    }
    const scales = readScales(raw, ref);
    const size = raw['size'] === undefined ? undefined : (readIntList(raw, 'size', [], ref, 2, 1) as [number, number]);
    if ((scales === undefined) === (size === undefined)) {
      throw new GraphError('ATTRIBUTE_INVALID', ref, "exactly one of 'scales' and 'size' is needed", {
        expected: 'scales [sh, sw] or size [oh, ow]',
        received: scales === undefined ? 'neither' : 'both',
      });
    }
    return {
      mode,
      coordinateTransform: readEnum(raw, 'coordinateTransform', COORDINATE_TRANSFORMS, 'half_pixel', ref),
      nearestMode: readEnum(raw, 'nearestMode', NEAREST_MODES, 'round_prefer_floor', ref),
      ...(scales !== undefined ? { scales } : { size: size! }),
    };
  },
  inferShape(inputs, attrs, ref) {
    const x = inputs[0]!;
    const layout = requireImageLayout(x, 'x', ref);
    requireFloat(x, 'x', ref);
    const input = spatialSize(x);
    const out: [number, number] = attrs.scales !== undefined ? [Math.floor(input[0] * attrs.scales[0]), Math.floor(input[1] * attrs.scales[1])] : [attrs.size![0], attrs.size![1]];
    for (const axis of [0, 1] as const) {
      if (input[axis] > 0 !== out[axis] > 0) {
        throw new GraphError('SHAPE_MISMATCH', ref, input[axis] > 0 ? 'resize would give an empty output' : 'cannot resize an empty spatial axis to a non-empty one', {
          expected: input[axis] > 0 ? 'scales with floor(in * scale) >= 1 on each spatial axis' : 'scales (an empty axis stays empty)',
          received: `input spatial ${formatShape(input)}, output spatial ${formatShape(out)}${attrs.scales ? `, scales ${formatShape(attrs.scales)}` : ''}`,
        });
      }
    }
    const c = x.shape[layoutAxes(layout).channels]!;
    return [{ dtype: x.dtype, shape: imageShape(layout, x.shape[0]!, c, out[0], out[1]), layout }];
  },
});

/** Source coordinate of output index `xOut` on an axis of length `inLen` resized to `outLen`. */
export function sourceCoordinate(transform: CoordinateTransform, xOut: number, scale: number, inLen: number, outLen: number): number {
  switch (transform) {
    case 'asymmetric':
      return xOut / scale;
    case 'half_pixel':
      return (xOut + 0.5) / scale - 0.5;
    case 'pytorch_half_pixel':
      return outLen > 1 ? (xOut + 0.5) / scale - 0.5 : 0;
    case 'align_corners':
      return outLen > 1 ? (xOut * (inLen - 1)) / (outLen - 1) : 0;
  }
}

/** Rounds a source coordinate to an index by the nearest mode, clamped to [0, inLen - 1]. */
export function nearestIndex(x: number, mode: NearestMode, inLen: number): number {
  const down = Math.floor(x);
  const isHalf = x - down === 0.5;
  let i: number;
  switch (mode) {
    case 'floor':
      i = down;
      break;
    case 'ceil':
      i = Math.ceil(x);
      break;
    // Math.round takes x.5 up; the "prefer" modes decide x.5 themselves.
    case 'round_prefer_floor':
      i = isHalf ? down : Math.round(x);
      break;
    case 'round_prefer_ceil':
      i = isHalf ? down + 1 : Math.round(x);
      break;
  }
  return Math.min(Math.max(i, 0), inLen - 1);
}

/** Per output index: the two source indices and the weight of the second (nearest: both equal, weight 0). */
export interface ResizeAxisTable {
  readonly lo: Int32Array;
  readonly hi: Int32Array;
  readonly t: Float64Array;
}

export function resizeAxisTable(attrs: ResizeAttrs, scale: number, inLen: number, outLen: number): ResizeAxisTable {
  const lo = new Int32Array(outLen);
  const hi = new Int32Array(outLen);
  const t = new Float64Array(outLen);
  for (let o = 0; o < outLen; o++) {
    const x = sourceCoordinate(attrs.coordinateTransform, o, scale, inLen, outLen);
    if (attrs.mode === 'nearest') {
      lo[o] = hi[o] = nearestIndex(x, attrs.nearestMode, inLen);
    } else {
      // ONNX clamps the coordinate to the input, so edges repeat instead of fading to 0.
      const c = Math.min(Math.max(x, 0), inLen - 1);
      lo[o] = Math.floor(c);
      hi[o] = Math.min(lo[o]! + 1, inLen - 1);
      t[o] = c - lo[o]!;
    }
  }
  return { lo, hi, t };
}

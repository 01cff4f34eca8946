import { resizeScales, type CoordinateTransform, type NearestMode, type ResizeAttrs } from '@skipconn/core';
import { defineTfKernel } from './kernel';
import { alongAxis, physicalSpatialAxes, spatialSizeOf } from './impl/axes';
import type { Tensor } from '../tf';

/**
 * resize with per-axis index tables computed once at compile time and tf.gather, on any storage.
 * Not tf.image.resizeBilinear / resizeNearestNeighbor: their half-pixel mode extrapolates below
 * index 0 where ONNX clamps, and they cannot express nearestMode or 'asymmetric' with
 * a given scale that is not out/in; tables express every coordinateTransform x nearestMode of
 * the IR exactly. Bilinear interpolates along W, then H, with the reference's weights.
 */
export const resizeKernel = defineTfKernel<ResizeAttrs>({
  op: 'resize',
  placement: 'follow',
  compile: ({ tf, node, attrs, keep, inputPerms, outputShapes }) => {
    const x = node.inputs[0]!;
    const out = node.outputs[0]!;
    const rank = outputShapes[0]!.length;
    const [axisH, axisW] = physicalSpatialAxes(x, inputPerms[0]!);
    const input = spatialSizeOf(x);
    const output = spatialSizeOf(out);
    const [scaleH, scaleW] = resizeScales(attrs, input, output);
    const table = (axis: number, scale: number, inLen: number, outLen: number) => {
      const t = axisTable(attrs, scale, inLen, outLen);
      return {
        lo: keep(tf.tensor1d(t.lo, 'int32')),
        hi: keep(tf.tensor1d(t.hi, 'int32')),
        w1: keep(tf.tensor(Float32Array.from(t.t), alongAxis(rank, axis, outLen))),
        w0: keep(tf.tensor(Float32Array.from(t.t, (v) => 1 - v), alongAxis(rank, axis, outLen))),
      };
    };
    const rows = table(axisH, scaleH, input[0], output[0]);
    const cols = table(axisW, scaleW, input[1], output[1]);
    const lerp = (v: Tensor, tb: typeof rows, axis: number): Tensor =>
      tf.add(tf.mul(tf.gather(v, tb.lo, axis), tb.w0), tf.mul(tf.gather(v, tb.hi, axis), tb.w1));
    return {
      run: ([v]) => [
        attrs.mode === 'nearest' ? tf.gather(tf.gather(v!, rows.lo, axisH), cols.lo, axisW) : lerp(lerp(v!, cols, axisW), rows, axisH),
      ],
    };
  },
});

/** Source coordinate of output index `o` (core ops/resize.ts). */
function sourceCoordinate(transform: CoordinateTransform, o: number, scale: number, inLen: number, outLen: number): number {
  switch (transform) {
    case 'asymmetric': return o / scale;
    case 'half_pixel': return (o + 0.5) / scale - 0.5;
    case 'pytorch_half_pixel': return outLen > 1 ? (o + 0.5) / scale - 0.5 : 0;
    case 'align_corners': return outLen > 1 ? (o * (inLen - 1)) / (outLen - 1) : 0;
  }
}

function nearestIndex(x: number, mode: NearestMode, inLen: number): number {
  const down = Math.floor(x);
  const half = x - down === 0.5;
  let i: number;
  switch (mode) {
    case 'floor': i = down; break;
    case 'ceil': i = Math.ceil(x); break;
    case 'round_prefer_floor': i = half ? down : Math.round(x); break;
    case 'round_prefer_ceil': i = half ? down + 1 : Math.round(x); break;
  }
  return Math.min(Math.max(i, 0), inLen - 1);
}

/** Per output index: the two source indices and the weight of the second (nearest: both equal, weight 0). */
export function axisTable(attrs: ResizeAttrs, scale: number, inLen: number, outLen: number): { lo: Int32Array; hi: Int32Array; t: Float64Array } {
  const lo = new Int32Array(outLen);
  const hi = new Int32Array(outLen);
  const t = new Float64Array(outLen);
  for (let o = 0; o < outLen; o++) {
    const x = sourceCoordinate(attrs.coordinateTransform, o, scale, inLen, outLen);
    if (attrs.mode === 'nearest') {
      lo[o] = hi[o] = nearestIndex(x, attrs.nearestMode, inLen);
    } else {
      const c = Math.min(Math.max(x, 0), inLen - 1);
      lo[o] = Math.floor(c);
      hi[o] = Math.min(lo[o]! + 1, inLen - 1);
      t[o] = c - lo[o]!;
    }
  }
  return { lo, hi, t };
}

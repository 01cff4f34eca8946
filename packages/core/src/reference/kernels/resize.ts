/**
 * resize reference. Per output index on each spatial axis it computes the source coordinate
 * (ONNX Resize's coordinate transforms, see ops/resize.ts), then either the nearest index or the
 * two bilinear neighbours and weight, and finally samples x. H and W are independent, so the
 * per-axis tables are computed once.
 */
import { defineKernel, f64 } from '../kernel';
import { imageView } from '../image';
import { resizeScales, type CoordinateTransform, type NearestMode, type ResizeAttrs } from '../../ops/resize';

/** Source coordinate of output index `xOut` on an axis of length `inLen` resized to `outLen`. */
export function sourceCoordinate(transform: CoordinateTransform, xOut: number, scale: number, inLen: number, outLen: number): number {
  switch (transform) {
    case 'asymmetric': return xOut / scale;
    case 'half_pixel': return (xOut + 0.5) / scale - 0.5;
    case 'pytorch_half_pixel': return outLen > 1 ? (xOut + 0.5) / scale - 0.5 : 0;
    case 'align_corners': return outLen > 1 ? (xOut * (inLen - 1)) / (outLen - 1) : 0;
  }
}

/** Rounds a source coordinate to an index by the nearest mode, clamped to [0, inLen - 1]. */
export function nearestIndex(x: number, mode: NearestMode, inLen: number): number {
  const down = Math.floor(x);
  const isHalf = x - down === 0.5;
  let i: number;
  switch (mode) {
    case 'floor': i = down; break;
    case 'ceil': i = Math.ceil(x); break;
    // Math.round takes x.5 up; the "prefer" modes decide x.5 themselves.
    case 'round_prefer_floor': i = isHalf ? down : Math.round(x); break;
    case 'round_prefer_ceil': i = isHalf ? down + 1 : Math.round(x); break;
  }
  return Math.min(Math.max(i, 0), inLen - 1);
}

/** Per output index: the two source indices and the weight of the second one. */
interface AxisTable {
  readonly lo: Int32Array;
  readonly hi: Int32Array;
  readonly t: Float64Array;
}

function axisTable(attrs: ResizeAttrs, scale: number, inLen: number, outLen: number): AxisTable {
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

export const resizeKernel = defineKernel<ResizeAttrs>({
  op: 'resize',
  run([x], attrs, node) {
    const layout = node.inputs[0]!.layout!;
    const out = f64(node.outputs[0]!.shape);
    const X = imageView(x!.shape, layout);
    const Y = imageView(out.shape, layout);
    const [scaleH, scaleW] = resizeScales(attrs, [X.h, X.w], [Y.h, Y.w]);
    const rows = axisTable(attrs, scaleH, X.h, Y.h);
    const cols = axisTable(attrs, scaleW, X.w, Y.w);
    for (let n = 0; n < Y.n; n++) {
      for (let c = 0; c < Y.c; c++) {
        for (let i = 0; i < Y.h; i++) {
          const [h0, h1, th] = [rows.lo[i]!, rows.hi[i]!, rows.t[i]!];
          for (let j = 0; j < Y.w; j++) {
            const [w0, w1, tw] = [cols.lo[j]!, cols.hi[j]!, cols.t[j]!];
            const at = (h: number, w: number): number => x!.data[X.at(n, c, h, w)]!;
            if (attrs.mode === 'nearest') {
              // One sample, never multiplied, so an Infinity is copied rather than turned into NaN.
              out.data[Y.at(n, c, i, j)] = at(h0, w0);
            } else {
              const top = (1 - tw) * at(h0, w0) + tw * at(h0, w1);
              const bottom = (1 - tw) * at(h1, w0) + tw * at(h1, w1);
              out.data[Y.at(n, c, i, j)] = (1 - th) * top + th * bottom;
            }
          }
        }
      }
    }
    return [out];
  },
});

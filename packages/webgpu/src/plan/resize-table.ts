/**
 * Per-axis sampling tables for resize, computed in float64 exactly as the reference evaluator does
 * (core/reference/kernels/resize.ts; the formulas are restated here because core exports the op's
 * semantics, not its reference kernels). Layout: [loH, hiH, tH] (each outH long), then [loW, hiW, tW].
 */
import type { CoordinateTransform, NearestMode, ResizeAttrs } from '@skipconn/core';

export function sourceCoordinate(transform: CoordinateTransform, xOut: number, scale: number, inLen: number, outLen: number): number {
  switch (transform) {
    case 'asymmetric': return xOut / scale;
    case 'half_pixel': return (xOut + 0.5) / scale - 0.5;
    case 'pytorch_half_pixel': return outLen > 1 ? (xOut + 0.5) / scale - 0.5 : 0;
    case 'align_corners': return outLen > 1 ? (xOut * (inLen - 1)) / (outLen - 1) : 0;
  }
}

export function nearestIndex(x: number, mode: NearestMode, inLen: number): number {
  const down = Math.floor(x);
  const isHalf = x - down === 0.5;
  let i: number;
  switch (mode) {
    case 'floor': i = down; break;
    case 'ceil': i = Math.ceil(x); break;
    case 'round_prefer_floor': i = isHalf ? down : Math.round(x); break;
    case 'round_prefer_ceil': i = isHalf ? down + 1 : Math.round(x); break;
  }
  return Math.min(Math.max(i, 0), inLen - 1);
}

export function resizeTable(attrs: ResizeAttrs, input: readonly [number, number], output: readonly [number, number], scales: readonly [number, number]): Float32Array {
  const table = new Float32Array(3 * (output[0] + output[1]));
  let base = 0;
  for (const axis of [0, 1] as const) {
    const inLen = input[axis];
    const outLen = output[axis];
    for (let o = 0; o < outLen; o++) {
      const x = sourceCoordinate(attrs.coordinateTransform, o, scales[axis], inLen, outLen);
      if (attrs.mode === 'nearest') {
        table[base + o] = table[base + outLen + o] = nearestIndex(x, attrs.nearestMode, inLen);
      } else {
        const c = Math.min(Math.max(x, 0), inLen - 1);
        const lo = Math.floor(c);
        table[base + o] = lo;
        table[base + outLen + o] = Math.min(lo + 1, inLen - 1);
        table[base + 2 * outLen + o] = c - lo;
      }
    }
    base += 3 * outLen;
  }
  return table;
}

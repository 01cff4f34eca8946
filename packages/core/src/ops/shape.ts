/** Shape rules shared by several ops. Errors name the node, op, expected and received shapes. */
import { GraphError, type NodeRef } from '../errors';
import { formatShape } from '../tensor';
import type { Layout } from '../layout';
import type { ValueInfo } from '../graph/types';

/** NumPy broadcasting of two shapes. */
export function broadcastShapes(a: readonly number[], b: readonly number[], ref: NodeRef): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new GraphError('SHAPE_MISMATCH', ref, 'input shapes do not broadcast', {
        expected: 'equal dimensions or 1 at each axis (NumPy broadcasting)',
        received: `${formatShape(a)} and ${formatShape(b)}`,
      });
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

export function requireRank(info: ValueInfo, rank: number, what: string, ref: NodeRef): void {
  if (info.shape.length !== rank) {
    throw new GraphError('SHAPE_MISMATCH', ref, `${what} has the wrong rank`, {
      expected: `rank ${rank}`,
      received: `${formatShape(info.shape)} (rank ${info.shape.length})`,
    });
  }
}

/** An optional bias must be [size]; `origin` says where size comes from, e.g. "outChannels of w". */
export function requireBias(b: ValueInfo | undefined, size: number, origin: string, ref: NodeRef): void {
  if (b !== undefined && (b.shape.length !== 1 || b.shape[0] !== size)) {
    throw new GraphError('SHAPE_MISMATCH', ref, 'bias has the wrong shape', {
      expected: `b [${size}] (${origin})`,
      received: `b ${formatShape(b.shape)}`,
    });
  }
}

/** Image ops need NCHW or NHWC on their data input. */
export function requireImageLayout(info: ValueInfo, what: string, ref: NodeRef): 'NCHW' | 'NHWC' {
  if (info.layout !== 'NCHW' && info.layout !== 'NHWC') {
    throw new GraphError('SHAPE_MISMATCH', ref, `${what} needs an image layout`, {
      expected: 'layout NCHW or NHWC',
      received: info.layout === undefined ? `no layout on ${formatShape(info.shape)}` : `layout ${info.layout}`,
    });
  }
  requireRank(info, 4, what, ref);
  return info.layout;
}

export function requireLayout(info: ValueInfo, what: string, ref: NodeRef): Layout {
  if (info.layout === undefined) {
    throw new GraphError('SHAPE_MISMATCH', ref, `${what} needs a layout to find its channel axis`, {
      expected: 'a value with layout NCHW, NHWC, NC or NTC',
      received: `no layout on ${formatShape(info.shape)}`,
    });
  }
  return info.layout;
}

export function requireFloat(info: ValueInfo, what: string, ref: NodeRef): void {
  if (info.dtype !== 'float32' && info.dtype !== 'float16' && info.dtype !== 'float64') {
    throw new GraphError('SHAPE_MISMATCH', ref, `${what} must be floating point`, {
      expected: 'float32, float16 or float64',
      received: info.dtype,
    });
  }
}

export function requireSameDType(infos: readonly ValueInfo[], ref: NodeRef): void {
  const first = infos[0];
  for (const info of infos) {
    if (first && info.dtype !== first.dtype) {
      throw new GraphError('SHAPE_MISMATCH', ref, 'inputs must share one dtype', {
        expected: first.dtype,
        received: infos.map((i) => i.dtype).join(', '),
      });
    }
  }
}

/** Normalizes a possibly negative axis for a rank; throws when out of range. */
export function normalizeAxis(axis: number, rank: number, ref: NodeRef): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isSafeInteger(a) || a < 0 || a >= rank) {
    throw new GraphError('ATTRIBUTE_INVALID', ref, 'axis out of range', { expected: `an axis in [${-rank}, ${rank - 1}]`, received: String(axis) });
  }
  return a;
}

/** Output spatial size of a sliding window (conv or pool), floor or ceil mode. */
export function windowOutputSize(input: number, kernel: number, stride: number, padBegin: number, padEnd: number, dilation: number, ceil = false): number {
  const effective = (kernel - 1) * dilation + 1;
  const span = input + padBegin + padEnd - effective;
  const steps = ceil ? Math.ceil(span / stride) : Math.floor(span / stride);
  return steps + 1;
}

/**
 * Gather with constant indices on a run-time value (run-time int32 indices on axis 0 are a
 * gatherNd, below). Evenly spaced indices (a single index, a
 * range, a strided range: a ViT's class token x[:, 0]) are a `slice` (+ a reshape for the index
 * tensor's shape), which copies values exactly. Any other index list is a matmul with a constant
 * 0/1 selection matrix: move the axis last, x @ S with S[i, j] = 1 where output j takes input i,
 * move it back. For finite values this is exact (x * 1 + 0 + ... + 0 = x); an Inf or NaN
 * elsewhere on the same row spreads NaN (Inf * 0), and -0 becomes +0.
 */
import { tensor } from '@skipconn/core';
import type { NodeProto } from '../../proto/types';
import type { ImportContext } from '../context';
import { numbers } from '../fold';
import { constInput, input, output, shapeOf, unsupported, type Converter } from './util';

/** Largest selection matrix built (elements): keeps a big gather from becoming a huge weight. */
const MAX_SELECTION = 1 << 22;

export function selectAlong(ctx: ImportContext, node: NodeProto, x: string, axis: number, indices: readonly number[], outShape: readonly number[], out: string): string {
  const shape = ctx.info(x).shape;
  const rank = shape.length;
  const dim = shape[axis]!;
  if (dim * indices.length > MAX_SELECTION) unsupported(node, 'a selection too large to express as a matmul', `at most ${MAX_SELECTION} selection entries`, `${dim} x ${indices.length}`);
  const base = node.name || `${node.opType}_${output(node)}`;
  const perm = [...Array(rank).keys()].filter((a) => a !== axis).concat(axis);
  const identity = axis === rank - 1;
  const moved = identity ? x : ctx.emit('transpose', [x], { perm }, `${base}/axis_last`);
  const sel = new Array<number>(dim * indices.length).fill(0);
  indices.forEach((i, j) => (sel[i * indices.length + j] = 1));
  const w = ctx.addWeight(`${base}__selection`, tensor(ctx.info(x).dtype, [dim, indices.length], sel));
  const picked = ctx.emit('matmul', [moved, w], {}, `${base}/select`);
  const back = identity ? picked : ctx.emit('transpose', [picked], { perm: perm.map((_, a) => perm.indexOf(a)) }, `${base}/axis_back`);
  const pickedShape = ctx.info(back).shape;
  if (pickedShape.join() === outShape.join()) return back;
  return ctx.emit('reshape', [back], { shape: [...outShape] }, `${base}/shape`, out);
}

/**
 * Gather along axis 0 by int32 indices computed at run time (what the export writes for gatherNd
 * with `gatherNdAsGather`) is gatherNd with each index as a one-long coordinate. As for GatherND,
 * a negative or out-of-range index is undefined in the IR, where ONNX counts a negative one from
 * the end.
 */
function runTimeGather(node: NodeProto, ctx: ImportContext, axis: number): void {
  const indices = input(ctx, node, 1);
  const info = ctx.info(indices);
  if (info.dtype !== 'int32') unsupported(node, `run-time Gather indices of dtype ${info.dtype}`, 'constant indices, or int32 indices computed at run time', info.dtype);
  if (axis !== 0) unsupported(node, `Gather by run-time indices on axis ${axis}`, 'axis 0 (or constant indices)', String(axis));
  const base = node.name || `Gather_${output(node)}`;
  const coordinates = ctx.emit('reshape', [indices], { shape: [...info.shape, 1] }, `${base}/coordinates`);
  ctx.bind(output(node), ctx.emit('gatherNd', [input(ctx, node, 0), coordinates], {}, node, output(node)));
}

export const Gather: Converter = (node, ctx) => {
  const shape = shapeOf(ctx, node, 0);
  const raw = ctx.attrs(node).int('axis', 0);
  const axis = raw < 0 ? raw + shape.length : raw;
  if (axis < 0 || axis >= shape.length) unsupported(node, 'Gather axis out of range', `an axis of a rank-${shape.length} value`, String(raw));
  if (ctx.const(node.input[1] ?? '') === undefined) {
    runTimeGather(node, ctx, axis);
    return;
  }
  const idx = constInput(ctx, node, 1, 'indices');
  const dim = shape[axis]!;
  const indices = numbers(idx).map((i) => {
    const j = i < 0 ? i + dim : i;
    if (!(j >= 0 && j < dim)) unsupported(node, 'Gather index out of range', `indices in [${-dim}, ${dim - 1}]`, String(i));
    return j;
  });
  const outShape = [...shape.slice(0, axis), ...idx.shape, ...shape.slice(axis + 1)];
  const step = indices.length > 1 ? indices[1]! - indices[0]! : 1;
  const progression = indices.length > 0 && step !== 0 && indices.every((j, k) => j === indices[0]! + k * step);
  if (!progression) {
    ctx.bind(output(node), selectAlong(ctx, node, input(ctx, node, 0), axis, indices, outShape, output(node)));
    return;
  }
  // Evenly spaced indices (one index, a range, a strided or reversed range) are a slice, then a
  // reshape where the index tensor's rank is not 1 (a scalar index drops the axis: a ViT's x[:, 0]).
  const lastIndex = indices[indices.length - 1]!;
  const end = step > 0 ? lastIndex + 1 : lastIndex === 0 ? -dim - 1 : lastIndex - 1;
  const x = input(ctx, node, 0);
  const attrs = { starts: [indices[0]!], ends: [end], axes: [axis], steps: [step] };
  if (idx.shape.length === 1) {
    ctx.bind(output(node), ctx.emit('slice', [x], attrs, node, output(node)));
    return;
  }
  const sliced = ctx.emit('slice', [x], attrs, `${node.name || `Gather_${output(node)}`}/slice`);
  ctx.bind(output(node), ctx.emit('reshape', [sliced], { shape: outShape }, node, output(node)));
};

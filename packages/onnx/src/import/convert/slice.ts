/**
 * Slice and Split of run-time values become the IR's `slice`, with two exceptions:
 * - a slice of a linear projection's output along its feature axis (PyTorch's packed q/k/v
 *   in_proj: one MatMul + Add, then three Slices) slices the weights instead, which computes
 *   only the columns kept and leaves no slice node:
 *     slice(x @ W + b, last axis, s:e)  ->  x @ W[:, s:e] + b[s:e]
 *     slice(dense(x, w, b), s:e)        ->  dense(x, w[s:e], b[s:e])
 * - a Slice that takes every axis whole is its input.
 * (Center crops feeding a Concat are handled by the U-Net concat pattern in ../fuse.ts.)
 */
import { sizeOf, sliceWindow, windowAsAttrs, type HostTensor } from '@skipconn/core';
import { nodeRef } from '../attrs';
import type { DraftNode, ImportContext } from '../context';
import { numbers, transposeTensor } from '../fold';
import { constInput, hasInput, input, output, shapeOf, unsupported, type Converter } from './util';

/** Columns [s, e) of the last axis of a constant. */
function sliceLast(t: HostTensor, s: number, e: number): HostTensor {
  if (t.shape.length === 0 || t.shape[t.shape.length - 1] === 1) return t;
  const n = t.shape[t.shape.length - 1]!;
  const rows = sizeOf(t.shape) / n;
  const moved = transposeTensor({ ...t, shape: [rows, n] }, [1, 0]);
  const width = e - s;
  const cut = { ...moved, shape: [width, rows], data: moved.data.slice(s * rows, e * rows) } as HostTensor;
  const back = transposeTensor(cut, [1, 0]);
  return { ...back, shape: [...t.shape.slice(0, -1), width] };
}

/** Rows [s, e) of the first axis of a constant (dense weights are [out, in]). */
function sliceFirst(t: HostTensor, s: number, e: number): HostTensor {
  const inner = sizeOf(t.shape.slice(1));
  return { ...t, shape: [e - s, ...t.shape.slice(1)], data: t.data.slice(s * inner, e * inner) } as HostTensor;
}

/** Re-emits a projection with sliced weights; undefined when `value` is not one. */
function slicedProjection(ctx: ImportContext, producer: DraftNode | undefined, s: number, e: number, name: string): string | undefined {
  if (producer === undefined) return undefined;
  const w = (v: string | undefined) => (v === undefined ? undefined : ctx.weights.get(v));
  if (producer.op === 'dense') {
    const [x, wn, bn] = producer.inputs;
    const wt = w(wn);
    if (wt === undefined || (bn !== undefined && w(bn) === undefined)) return undefined;
    const inputs = [x!, ctx.addWeight(`${wn}__${s}_${e}`, sliceFirst(wt, s, e))];
    if (bn !== undefined) inputs.push(ctx.addWeight(`${bn}__${s}_${e}`, sliceFirst(w(bn)!, s, e)));
    return ctx.emit('dense', inputs, {}, name);
  }
  if (producer.op === 'matmul') {
    const [x, wn] = producer.inputs;
    const wt = w(wn);
    if (wt === undefined || wt.shape.length < 2) return undefined;
    return ctx.emit('matmul', [x!, ctx.addWeight(`${wn}__${s}_${e}`, sliceLast(wt, s, e))], {}, name);
  }
  if (producer.op === 'add') {
    for (const [data, bias] of [
      [producer.inputs[0]!, producer.inputs[1]!],
      [producer.inputs[1]!, producer.inputs[0]!],
    ] as const) {
      const bt = w(bias);
      if (bt === undefined || ctx.info(data).shape.length < bt.shape.length) continue;
      const inner = slicedProjection(ctx, ctx.producers.get(data), s, e, `${name}/matmul`);
      if (inner === undefined) continue;
      return ctx.emit('add', [inner, ctx.addWeight(`${bias}__${s}_${e}`, sliceLast(bt, s, e))], {}, name);
    }
  }
  return undefined;
}

export const Slice: Converter = (node, ctx) => {
  const shape = shapeOf(ctx, node, 0);
  const starts = ctx.opset >= 10 ? numbers(constInput(ctx, node, 1, 'starts')) : (ctx.attrs(node).ints('starts') ?? []);
  const ends = ctx.opset >= 10 ? numbers(constInput(ctx, node, 2, 'ends')) : (ctx.attrs(node).ints('ends') ?? []);
  const axes = (ctx.opset >= 10 ? (hasInput(node, 3) ? numbers(constInput(ctx, node, 3, 'axes')) : undefined) : ctx.attrs(node).ints('axes')) ?? starts.map((_, i) => i);
  const steps = ctx.opset >= 10 && hasInput(node, 4) ? numbers(constInput(ctx, node, 4, 'steps')) : starts.map(() => 1);
  if (ends.length !== starts.length || axes.length !== starts.length || steps.length !== starts.length) {
    unsupported(
      node,
      'Slice starts, ends, axes and steps differ in length',
      `${starts.length} entries each (one per sliced axis)`,
      `starts ${starts.length}, ends ${ends.length}, axes ${axes.length}, steps ${steps.length}`,
    );
  }
  if (steps.includes(0)) unsupported(node, 'Slice step 0', 'a non-zero step', JSON.stringify(steps));
  // Core resolves the bounds by ONNX's rules (INT64_MAX ends included); the IR node carries them
  // normalised and clamped, so every attribute is a safe integer.
  const window = sliceWindow({ starts, ends, axes, steps }, shape, nodeRef(node));
  const attrs = windowAsAttrs(window, shape);
  const x = input(ctx, node, 0);
  if (attrs.axes.length === 0) {
    ctx.bind(output(node), x);
    return;
  }
  const last = shape.length - 1;
  if (attrs.axes.length === 1 && attrs.axes[0] === last && attrs.steps[0] === 1) {
    const y = slicedProjection(ctx, ctx.producers.get(x), window.starts[last]!, window.starts[last]! + window.sizes[last]!, node.name || `slice_${output(node)}`);
    if (y !== undefined) {
      ctx.bind(output(node), y);
      return;
    }
  }
  ctx.bind(output(node), ctx.emit('slice', [x], { ...attrs }, node, output(node)));
};

/**
 * Split along one axis into consecutive pieces, one slice per output. The sizes come from the
 * 'split' input (opset 13+) or attribute (before 13); without them the axis is cut into as many
 * equal pieces as there are outputs (opset 18's num_outputs: pieces of ceil(d / n), the last one
 * smaller; before 18 the axis must divide evenly).
 */
export const Split: Converter = (node, ctx) => {
  const shape = shapeOf(ctx, node, 0);
  const rank = shape.length;
  const a = ctx.attrs(node);
  const rawAxis = a.int('axis', 0);
  const axis = rawAxis < 0 ? rawAxis + rank : rawAxis;
  if (axis < 0 || axis >= rank) unsupported(node, 'Split axis out of range', `an axis in [${-rank}, ${rank - 1}] of x [${shape.join(',')}]`, String(rawAxis));
  const d = shape[axis]!;
  const count = node.output.length;
  const given = ctx.opset >= 13 ? (hasInput(node, 1) ? numbers(constInput(ctx, node, 1, 'split')) : undefined) : a.ints('split');
  let sizes: number[];
  if (given !== undefined) {
    sizes = given;
    const total = sizes.reduce((p, v) => p + v, 0);
    if (sizes.length !== count || sizes.some((v) => !(v >= 0)) || total !== d) {
      unsupported(node, 'Split sizes do not cut the axis', `${count} sizes >= 0 (one per output) adding up to ${d} (axis ${axis} of x [${shape.join(',')}])`, JSON.stringify(sizes));
    }
  } else {
    const pieces = ctx.opset >= 18 ? a.int('num_outputs', count) : count;
    if (pieces !== count) unsupported(node, 'Split num_outputs differs from its outputs', `num_outputs ${count}`, String(pieces));
    const even = ctx.opset >= 18 ? Math.ceil(d / count) : d / count;
    if (!Number.isInteger(even)) unsupported(node, 'Split into equal pieces that do not divide the axis', `axis ${axis} of x [${shape.join(',')}] divisible by ${count} (or split sizes)`, `${d} / ${count}`);
    sizes = Array.from({ length: count }, (_, i) => Math.max(0, Math.min(even, d - i * even)));
  }
  const x = input(ctx, node, 0);
  let start = 0;
  sizes.forEach((size, i) => {
    const out = output(node, i);
    if (out !== '' && ctx.isUsed(out)) ctx.bind(out, ctx.emit('slice', [x], { starts: [start], ends: [start + size], axes: [axis] }, node.name ? `${node.name}/${i}` : `Split_${out}`, out));
    start += size;
  });
};

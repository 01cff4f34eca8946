/**
 * Slice of a run-time value. The IR has no general slice; what exporters emit is a slice of a
 * linear projection's output along its feature axis (PyTorch's packed q/k/v in_proj: one MatMul
 * + Add, then three Slices). Slicing the weights instead gives the same numbers with IR ops:
 *   slice(x @ W + b, last axis, s:e)  ->  x @ W[:, s:e] + b[s:e]
 *   slice(dense(x, w, b), s:e)        ->  dense(x, w[s:e], b[s:e])
 * (Center crops feeding a Concat are handled by the U-Net concat pattern in ../fuse.ts.)
 */
import { sizeOf, type HostTensor } from '@skipconn/core';
import type { DraftNode, ImportContext } from '../context';
import { numbers, transposeTensor } from '../fold';
import { constInput, hasInput, input, output, shapeOf, unsupported, type Converter } from './util';
import { selectAlong } from './select';

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
  const rank = shape.length;
  const starts = ctx.opset >= 10 ? numbers(constInput(ctx, node, 1, 'starts')) : (ctx.attrs(node).ints('starts') ?? []);
  const ends = ctx.opset >= 10 ? numbers(constInput(ctx, node, 2, 'ends')) : (ctx.attrs(node).ints('ends') ?? []);
  const axes = (ctx.opset >= 10 ? (hasInput(node, 3) ? numbers(constInput(ctx, node, 3, 'axes')) : undefined) : ctx.attrs(node).ints('axes')) ?? starts.map((_, i) => i);
  const steps = ctx.opset >= 10 && hasInput(node, 4) ? numbers(constInput(ctx, node, 4, 'steps')) : starts.map(() => 1);
  const begin = shape.map(() => 0);
  const end = [...shape];
  const strided = new Map<number, number[]>();
  axes.forEach((raw, i) => {
    const a = raw < 0 ? raw + rank : raw;
    const dim = shape[a] ?? 0;
    const clampIdx = (v: number) => Math.min(Math.max(v < 0 ? v + dim : v, 0), dim);
    const step = steps[i]!;
    if (step === 0) unsupported(node, 'Slice step 0', 'a non-zero step', '0');
    if (step === 1) {
      begin[a] = clampIdx(starts[i]!);
      end[a] = Math.max(clampIdx(ends[i]!), begin[a]!);
    } else {
      // A strided or reversed slice: its index list, taken by a selection matmul below.
      const picks: number[] = [];
      let b = starts[i]! < 0 ? starts[i]! + dim : starts[i]!;
      let e = ends[i]! < 0 ? ends[i]! + dim : ends[i]!;
      if (step > 0) {
        b = Math.min(Math.max(b, 0), dim);
        e = Math.min(Math.max(e, 0), dim);
        for (let k = b; k < e; k += step) picks.push(k);
      } else {
        b = Math.min(Math.max(b, -1), dim - 1);
        e = Math.min(Math.max(e, -1), dim - 1);
        for (let k = b; k > e; k += step) picks.push(k);
      }
      strided.set(a, picks);
    }
  });
  const changed = shape
    .map((d, a) => begin[a] !== 0 || end[a] !== d || strided.has(a))
    .map((c, a) => (c ? a : -1))
    .filter((a) => a >= 0);
  let x = input(ctx, node, 0);
  if (changed.length === 0) {
    ctx.bind(output(node), x);
    return;
  }
  if (changed.length === 1 && changed[0] === rank - 1 && !strided.has(rank - 1)) {
    const y = slicedProjection(ctx, ctx.producers.get(x), begin[rank - 1]!, end[rank - 1]!, node.name || `slice_${output(node)}`);
    if (y !== undefined) {
      ctx.bind(output(node), y);
      return;
    }
  }
  // Anything else: one selection matmul per sliced axis.
  const current = [...shape];
  changed.forEach((a, k) => {
    const picks = strided.get(a) ?? Array.from({ length: end[a]! - begin[a]! }, (_, i) => begin[a]! + i);
    current[a] = picks.length;
    x = selectAlong(ctx, node, x, a, picks, [...current], k === changed.length - 1 ? output(node) : `${output(node)}__axis${a}`);
  });
  ctx.bind(output(node), x);
};

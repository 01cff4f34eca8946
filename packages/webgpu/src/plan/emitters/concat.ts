/**
 * concat: placement hosts what it can in the output's slices (their producers write there); this
 * copies in the members that are not hosted (weights, center-cropped inputs, values hosted
 * elsewhere), each once per slice even when a prefix family shares the buffer.
 */
import { centerCropOffsets, channelAxis } from '@skipconn/core';
import { copyFused } from '../fused';
import type { Loc } from '../placement';
import type { AnyStepEmitter } from './context';

/** Reads no attributes: whether members are center-cropped is on the step (`centerCrop`). */
export const emitConcat: AnyStepEmitter<'concat'> = (node, step, label, ctx) => {
  const { vg, physical } = ctx;
  const out = node.spec.outputs[0]!;
  const outInfo = node.outputs[0]!;
  const axis = channelAxis(outInfo.layout!);
  const dst = ctx.loc(out);
  let offset = 0;
  node.spec.inputs.forEach((m) => {
    const info = vg.values.get(m)!;
    const target = outInfo.shape.map((d, a) => (a === axis ? info.shape[a]! : d));
    const slice: Loc = { buf: dst.buf, elem: dst.elem, off: dst.off + offset * dst.strides[axis]!, shape: target, strides: dst.strides };
    offset += info.shape[axis]!;
    const src = ctx.loc(m);
    const starts = step.centerCrop ? centerCropOffsets(info.shape, target) : target.map(() => 0);
    starts[axis] = 0;
    const from: Loc = { ...src, off: src.off + starts.reduce((acc, s, a) => acc + s * src.strides[a]!, 0), shape: target };
    const inPlace = physical(from.buf) === physical(slice.buf) && from.off === slice.off && from.strides.every((s, a) => s === slice.strides[a] || target[a]! <= 1);
    if (inPlace) return;
    const key = `${physical(slice.buf)}:${slice.off}:${slice.strides.join(',')}:${target.join(',')}<-${m}`;
    if (ctx.writtenSlices.has(key)) return;
    ctx.writtenSlices.add(key);
    ctx.ewiseLocs(`${label}[${m}]`, copyFused(m).expr, [from], slice);
  });
};

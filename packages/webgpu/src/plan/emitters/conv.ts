/** conv2d (direct or tiled) and convTranspose2d, with their fused prologue and epilogue. */
import type { ValidatedNode } from '@skipconn/core';
import { conv2dShader } from '../../kernels/conv2d';
import { convTranspose2dShader } from '../../kernels/conv-transpose2d';
import { CONV_STAGE_FLOATS, CONV_TILE, conv2dTiledShader, convPatch, convTiles } from '../../kernels/conv2d-tiled';
import { geometry } from '../../kernels/wgsl';
import { canonical } from '../binding';
import type { AnchorStep } from '../steps';
import { size, type EmitContext, type StepEmitter } from './context';

/**
 * Convolution kernel choice. `tiled` 'auto' stages input patches in workgroup memory only when
 * that saves the most: a fused prologue (evaluated once per staged element instead of once per
 * read) or an input read from the buffer the kernel writes (a read_write binding, which misses
 * the read-only caches). `outputsPerThread` caps the output channels one thread accumulates
 * (default 4, the best of 1, 4 and 8 on an H100 for ResNet-sized convolutions).
 * `channelsPerStage` caps the input channels the tiled kernel stages between two barriers
 * (default 8; the most of 8, 4, 2, 1 that divides the channels per group and fits 16 KiB).
 */
export interface ConvSettings {
  readonly tiled?: 'auto' | 'always' | 'never';
  readonly outputsPerThread?: 1 | 2 | 4 | 8;
  readonly channelsPerStage?: 1 | 2 | 4 | 8;
}

/** The bindings both convolutions share: canonical views of input (or prologue), output, weights, bias and epilogue. */
function convOperands(node: ValidatedNode, step: AnchorStep, ctx: EmitContext) {
  const layout = node.inputs[0]!.layout! as 'NCHW' | 'NHWC';
  const binder = ctx.binder();
  const out = ctx.loc(step.outs[0]!);
  const ov = canonical(binder.view(out, true), layout);
  const xShape = node.inputs[0]!.shape;
  const xv = step.pro === undefined ? canonical(binder.view(ctx.loc(node.spec.inputs[0]!)), layout) : undefined;
  const pro = step.pro === undefined ? undefined : ctx.fusedViews(binder, step.pro, xShape, layout);
  const wl = ctx.loc(node.spec.inputs[1]!);
  const w = { b: binder.bind(wl.buf), off: wl.off };
  const bl = node.spec.inputs[2] === undefined ? undefined : ctx.loc(node.spec.inputs[2]);
  const bias = bl === undefined ? undefined : { b: binder.bind(bl.buf), off: bl.off };
  const epi = step.epi === undefined ? undefined : ctx.fusedViews(binder, step.epi, out.shape, layout);
  // With a prologue the kernel reads the prologue's leaves; x is then only a shape (no binding).
  const x = xv ?? canonical({ b: 0, off: 0, shape: xShape, strides: xShape.map(() => 0) }, layout);
  const [, , kh, kw] = node.inputs[1]!.shape as [number, number, number, number];
  return { layout, binder, out, ov, x, pro, w, bias, epi, kernel: [kh, kw] as const };
}

export const emitConv2d: StepEmitter<'conv2d', 'anchor'> = (node, step, label, ctx) => {
  const a = node.attrs;
  const { layout, binder, out, ov, x, pro, w, bias, epi, kernel } = convOperands(node, step, ctx);
  const { conv } = ctx;
  const og = ov.shape[1]! / a.groups;
  const ob = [8, 4, 2, 1].find((b) => b <= (conv.outputsPerThread ?? 4) && og % b === 0)!;
  const fields = {
    x,
    out: ov,
    order: layout,
    w,
    ...(bias ? { bias } : {}),
    ob,
    kernel,
    strides: a.strides,
    pads: [a.pads[0], a.pads[1]] as const,
    dilations: a.dilations,
    groups: a.groups,
    ...(pro ? { pro } : {}),
    ...(epi ? { epi } : {}),
  };
  const [ph, pw] = convPatch(fields);
  // Tiled only where it pays (see ConvSettings), the output has a tile of pixels and the patch fits in 16 KiB.
  const aliased = pro === undefined ? binder.access[x.b] === 'read_write' : pro.leaves.some((l) => binder.access[l.b] === 'read_write');
  const wanted = conv.tiled === 'always' || (conv.tiled !== 'never' && (pro !== undefined || aliased));
  if (wanted && ov.shape[2]! * ov.shape[3]! >= CONV_TILE * CONV_TILE && ph * pw <= CONV_STAGE_FLOATS) {
    const cg = x.shape[1]! / a.groups;
    const cb = [8, 4, 2, 1].find((c) => c <= (conv.channelsPerStage ?? 8) && cg % c === 0 && c * ph * pw <= CONV_STAGE_FLOATS)!;
    const tiles = convTiles(ov.shape, ob);
    if (size(out.shape) > 0) ctx.call(label, conv2dTiledShader, binder, ctx.withBindings(binder, { bindings: [], wg: CONV_TILE * CONV_TILE, gx: geometry(tiles).gx, ...fields, cb }), tiles);
  } else {
    ctx.items(label, conv2dShader, binder, size(out.shape) / ob, (base) => ctx.withBindings(binder, { ...base, ...fields }));
  }
};

export const emitConvTranspose2d: StepEmitter<'convTranspose2d', 'anchor'> = (node, step, label, ctx) => {
  const a = node.attrs;
  const { layout, binder, out, ov, x, pro, w, bias, epi, kernel } = convOperands(node, step, ctx);
  if (pro !== undefined) throw new Error(`internal: convTranspose2d '${node.spec.name}' was given a prologue, which its kernel has no place for`);
  ctx.items(label, convTranspose2dShader, binder, size(out.shape), (base) =>
    ctx.withBindings(binder, {
      ...base,
      x,
      out: ov,
      order: layout,
      w,
      ...(bias ? { bias } : {}),
      kernel,
      strides: a.strides,
      pads: [a.pads[0], a.pads[1]],
      dilations: a.dilations,
      groups: a.groups,
      ...(epi ? { epi } : {}),
    }),
  );
};

/** layerNorm: one workgroup per row, with the residual (or any elementwise chain) before it as a prologue. */
import { normalizeAxis } from '@skipconn/core';
import { layerNormShader } from '../../kernels/layer-norm';
import { geometry } from '../../kernels/wgsl';
import { size, type StepEmitter } from './context';

export const emitLayerNorm: StepEmitter<'layerNorm', 'normalize'> = (node, step, label, ctx) => {
  const a = node.attrs;
  const binder = ctx.binder();
  const out = ctx.loc(step.outs[0]!);
  const ov = binder.view(out, true);
  const axis = normalizeAxis(a.axis, out.shape.length, { node: node.spec.name, op: 'layerNorm' });
  const x = step.pro === undefined ? binder.view(ctx.loc(node.spec.inputs[0]!)) : undefined;
  const pro = step.pro === undefined ? undefined : ctx.fusedViews(binder, step.pro, out.shape);
  // Pre-LN: the prologue's value is also used later, so the kernel stores it too.
  const out2 = step.outs[1] === undefined ? undefined : binder.view(ctx.loc(step.outs[1]), true);
  const param = (i: number) => {
    const v = node.spec.inputs[i];
    if (v === undefined) return undefined;
    const l = ctx.loc(v);
    return { b: binder.bind(l.buf), off: l.off };
  };
  const scale = param(1);
  const bias = param(2);
  const rows = size(out.shape.slice(0, axis));
  const len = size(out.shape.slice(axis));
  if (rows * len === 0) return;
  const wg = len >= 256 ? 256 : len >= 64 ? 64 : 32;
  const spec = ctx.withBindings(binder, {
    bindings: [],
    wg,
    gx: geometry(rows).gx,
    out: ov,
    axis,
    epsilon: a.epsilon,
    ...(x ? { x } : {}),
    ...(scale ? { scale } : {}),
    ...(bias ? { bias } : {}),
    ...(pro ? { pro } : {}),
    ...(out2 ? { out2 } : {}),
  });
  ctx.call(label, layerNormShader, binder, spec, rows);
};

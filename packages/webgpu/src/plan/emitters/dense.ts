/** dense: the tiled matrix product with its fused epilogue, or the matrix-vector kernel for one row. */
import { denseShader, denseTiles } from '../../kernels/dense';
import { geometry } from '../../kernels/wgsl';
import { size, type AnyStepEmitter } from './context';
import { dropAxes, emitGemv } from './gemv';

/** Reads no attributes (dense has none). */
export const emitDense: AnyStepEmitter<'anchor'> = (node, step, label, ctx) => {
  const binder = ctx.binder();
  const out = ctx.loc(step.outs[0]!);
  const ov = binder.view(out, true);
  const xv = binder.view(ctx.loc(node.spec.inputs[0]!));
  const wl = ctx.loc(node.spec.inputs[1]!);
  const w = { b: binder.bind(wl.buf), off: wl.off };
  const bl = node.spec.inputs[2] === undefined ? undefined : ctx.loc(node.spec.inputs[2]);
  const bias = bl === undefined ? undefined : { b: binder.bind(bl.buf), off: bl.off };
  const epi = step.epi === undefined ? undefined : ctx.fusedViews(binder, step.epi, out.shape);
  const [n, k] = node.inputs[1]!.shape as [number, number];
  const lead = out.shape.slice(0, -1).map((_, a) => a);
  if (ctx.gemv && size(out.shape) === n && n > 0) {
    // One row: w[o, kk] is the [k, n] matrix with strides [1, k].
    emitGemv(label, binder, ctx, {
      batch: [],
      k,
      n,
      x: dropAxes(xv, lead),
      w: { b: w.b, off: w.off, shape: [k, n], strides: [1, k] },
      out: dropAxes(ov, lead),
      ...(bias ? { bias } : {}),
      ...(epi ? { epi: { expr: epi.expr, leaves: epi.leaves.map((l) => dropAxes(l, lead)) } } : {}),
    });
    return;
  }
  const tiles = denseTiles(out.shape, node.inputs[1]!.shape[1]!);
  if (size(out.shape) > 0) {
    ctx.call(
      label,
      denseShader,
      binder,
      ctx.withBindings(binder, {
        bindings: [],
        wg: 256,
        gx: geometry(tiles).gx,
        x: xv,
        out: ov,
        w,
        ...(bias ? { bias } : {}),
        ...(epi ? { epi } : {}),
      }),
      tiles,
    );
  }
};

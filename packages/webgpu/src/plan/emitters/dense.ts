/** dense: the tiled matrix product with its fused epilogue. */
import { denseShader, denseTiles } from '../../kernels/dense';
import { geometry } from '../../kernels/wgsl';
import { size, type AnyStepEmitter } from './context';

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

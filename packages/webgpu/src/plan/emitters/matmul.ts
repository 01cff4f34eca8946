/** matmul: batched, with NumPy broadcasting of batch axes and rank-1 promotion, and a fused epilogue; products with one row take the matrix-vector kernel. */
import { matmulDims } from '@skipconn/core';
import { matmulShader, matmulTiles } from '../../kernels/matmul';
import { geometry } from '../../kernels/wgsl';
import { alignLoc } from '../binding';
import type { Loc } from '../placement';
import { size, type AnyStepEmitter } from './context';
import { dropAxes, emitGemv } from './gemv';

/** Reads no attributes (matmul has none). */
export const emitMatmul: AnyStepEmitter<'anchor'> = (node, step, label, ctx) => {
  const binder = ctx.binder();
  const out = ctx.loc(step.outs[0]!);
  const dims = matmulDims(node.inputs[0]!.shape, node.inputs[1]!.shape, { node: node.spec.name, op: 'matmul' });
  const full = [...dims.batch, dims.m, dims.n];
  const r = full.length;
  const al = ctx.loc(node.spec.inputs[0]!);
  const bl = ctx.loc(node.spec.inputs[1]!);
  const aRank1 = node.inputs[0]!.shape.length === 1;
  const bRank1 = node.inputs[1]!.shape.length === 1;
  // Promote rank-1 operands, then broadcast batch axes (stride 0).
  const promote = (l: Loc, rank1: boolean, first: boolean): Loc => {
    if (!rank1) return l;
    return first ? { ...l, shape: [1, l.shape[0]!], strides: [0, l.strides[0]!] } : { ...l, shape: [l.shape[0]!, 1], strides: [l.strides[0]!, 0] };
  };
  const batchView = (l: Loc, inner: [number, number]): Loc => {
    const lead = r - l.shape.length;
    const strides = full.map((_, i) => {
      if (i >= r - 2) return l.strides[i - lead]!;
      return i < lead || l.shape[i - lead] === 1 ? 0 : l.strides[i - lead]!;
    });
    return { buf: l.buf, elem: l.elem, off: l.off, shape: [...dims.batch, ...inner], strides };
  };
  const av = binder.view(batchView(promote(al, aRank1, true), [dims.m, dims.k]));
  const bv = binder.view(batchView(promote(bl, bRank1, false), [dims.k, dims.n]));
  // The output and epilogue leaves live in the real (unpromoted) shape: insert the promoted axes.
  const expand = (l: Loc): Loc => {
    const strides = [...l.strides];
    if (aRank1) strides.splice(r - 2, 0, 0);
    if (bRank1) strides.splice(r - 1, 0, 0);
    return { ...l, shape: full, strides };
  };
  const ov = binder.view(expand(out), true);
  const epi =
    step.epi === undefined
      ? undefined
      : {
          expr: step.epi.expr,
          leaves: step.epi.leaves.map((leaf) => binder.view(expand(alignLoc(ctx.loc(leaf.value), leaf, out.shape)))),
        };
  if (ctx.gemv && dims.m === 1 && size(full) > 0) {
    // One row per product: drop the row axis (size 1) from x, the output and the epilogue.
    const row = [r - 2];
    emitGemv(label, binder, ctx, {
      batch: dims.batch,
      k: dims.k,
      n: dims.n,
      x: dropAxes(av, row),
      w: bv,
      out: dropAxes(ov, row),
      ...(epi ? { epi: { expr: epi.expr, leaves: epi.leaves.map((l) => dropAxes(l, row)) } } : {}),
    });
    return;
  }
  const tiles = matmulTiles(full, dims.k);
  if (size(full) > 0) {
    ctx.call(label, matmulShader, binder, ctx.withBindings(binder, { bindings: [], wg: 256, gx: geometry(tiles).gx, a: av, b: bv, out: ov, ...(epi ? { epi } : {}) }), tiles);
  }
};

/**
 * resize reference: samples x through the per-axis tables of ops/resize.ts (the op owns the
 * coordinate rules; every adapter uses the same tables). H and W are independent, so each
 * axis's table is computed once.
 */
import { defineKernel, f64 } from '../kernel';
import { imageView } from '../image';
import { resizeAxisTable, resizeScales } from '../../ops/resize';

export const resizeKernel = defineKernel({
  op: 'resize',
  run([x], attrs, node) {
    const layout = node.inputs[0]!.layout!;
    const out = f64(node.outputs[0]!.shape);
    const X = imageView(x!.shape, layout);
    const Y = imageView(out.shape, layout);
    const [scaleH, scaleW] = resizeScales(attrs, [X.h, X.w], [Y.h, Y.w]);
    const rows = resizeAxisTable(attrs, scaleH, X.h, Y.h);
    const cols = resizeAxisTable(attrs, scaleW, X.w, Y.w);
    for (let n = 0; n < Y.n; n++) {
      for (let c = 0; c < Y.c; c++) {
        for (let i = 0; i < Y.h; i++) {
          const [h0, h1, th] = [rows.lo[i]!, rows.hi[i]!, rows.t[i]!];
          for (let j = 0; j < Y.w; j++) {
            const [w0, w1, tw] = [cols.lo[j]!, cols.hi[j]!, cols.t[j]!];
            const at = (h: number, w: number): number => x!.data[X.at(n, c, h, w)]!;
            if (attrs.mode === 'nearest') {
              // One sample, never multiplied, so an Infinity is copied rather than turned into NaN.
              out.data[Y.at(n, c, i, j)] = at(h0, w0);
            } else {
              const top = (1 - tw) * at(h0, w0) + tw * at(h0, w1);
              const bottom = (1 - tw) * at(h1, w0) + tw * at(h1, w1);
              out.data[Y.at(n, c, i, j)] = (1 - th) * top + th * bottom;
            }
          }
        }
      }
    }
    return [out];
  },
});

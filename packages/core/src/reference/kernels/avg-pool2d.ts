/**
 * avgPool2d reference: the sum of the real input elements in the window over the divisor the op
 * documents (window clipped to the padded input, or the count of real elements).
 */
import { defineKernel, f64 } from '../kernel';
import { imageView } from '../image';

/** One axis of a window: the real elements [from, to) and the divisor factor for this axis. */
function windowAxis(out: number, k: number, stride: number, padBegin: number, padEnd: number, size: number, countIncludePad: boolean): { from: number; to: number; count: number } {
  const start = out * stride - padBegin;
  const from = Math.max(start, 0);
  const to = Math.min(start + k, size);
  // PyTorch's rule: padding counts, but not the part of a ceil-mode window past the end padding.
  const count = countIncludePad ? Math.min(start + k, size + padEnd) - start : to - from;
  return { from, to, count };
}

export const avgPool2dKernel = defineKernel({
  op: 'avgPool2d',
  run([x], attrs, node) {
    const layout = node.inputs[0]!.layout!;
    const out = f64(node.outputs[0]!.shape);
    const X = imageView(x!.shape, layout);
    const Y = imageView(out.shape, layout);
    const {
      kernel: [kh, kw],
      strides: [sh, sw],
      pads: [top, left, bottom, right],
      countIncludePad,
    } = attrs;
    for (let n = 0; n < Y.n; n++) {
      for (let c = 0; c < Y.c; c++) {
        for (let i = 0; i < Y.h; i++) {
          const rows = windowAxis(i, kh, sh, top, bottom, X.h, countIncludePad);
          for (let j = 0; j < Y.w; j++) {
            const cols = windowAxis(j, kw, sw, left, right, X.w, countIncludePad);
            let sum = -0; // the exact additive identity: a window of only -0 averages to -0
            for (let ih = rows.from; ih < rows.to; ih++) {
              for (let iw = cols.from; iw < cols.to; iw++) sum += x!.data[X.at(n, c, ih, iw)]!;
            }
            out.data[Y.at(n, c, i, j)] = sum / (rows.count * cols.count);
          }
        }
      }
    }
    return [out];
  },
});

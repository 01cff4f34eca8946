/**
 * maxPool2d reference. Only positions inside x are read, which is what "padding never wins"
 * means. Any NaN in a window makes the result NaN. A window holding no input element at all
 * (possible only on an empty axis, or when dilation steps over a tiny input) gives -Infinity,
 * the max of nothing.
 */
import { defineKernel, f64 } from '../kernel';
import { imageView } from '../image';

export const maxPool2dKernel = defineKernel({
  op: 'maxPool2d',
  run([x], attrs, node) {
    const layout = node.inputs[0]!.layout!;
    const out = f64(node.outputs[0]!.shape);
    const X = imageView(x!.shape, layout);
    const Y = imageView(out.shape, layout);
    const {
      kernel: [kh, kw],
      strides: [sh, sw],
      pads: [top, left],
      dilations: [dh, dw],
    } = attrs;
    for (let n = 0; n < Y.n; n++) {
      for (let c = 0; c < Y.c; c++) {
        for (let i = 0; i < Y.h; i++) {
          for (let j = 0; j < Y.w; j++) {
            let max = -Infinity;
            for (let p = 0; p < kh; p++) {
              const ih = i * sh - top + p * dh;
              if (ih < 0 || ih >= X.h) continue;
              for (let q = 0; q < kw; q++) {
                const iw = j * sw - left + q * dw;
                if (iw < 0 || iw >= X.w) continue;
                const v = x!.data[X.at(n, c, ih, iw)]!;
                // A NaN is taken explicitly (v > max is false for it); once max is NaN, v > max
                // stays false, so the NaN sticks. Ties keep the first element (matters for -0 vs 0).
                if (Number.isNaN(v)) max = NaN;
                else if (v > max) max = v;
              }
            }
            out.data[Y.at(n, c, i, j)] = max;
          }
        }
      }
    }
    return [out];
  },
});

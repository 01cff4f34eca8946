/**
 * conv2d reference: a direct convolution, one output element at a time. Padded positions read
 * 0 and are still multiplied, so a NaN or Infinity weight poisons every output it touches, as in
 * the im2col + GEMM that PyTorch and ONNX Runtime run.
 */
import { defineKernel, f64 } from '../kernel';
import { imageView } from '../image';
import type { Conv2dAttrs } from '../../ops/conv2d';

export const conv2dKernel = defineKernel<Conv2dAttrs>({
  op: 'conv2d',
  run([x, w, b], attrs, node) {
    const layout = node.inputs[0]!.layout!;
    const out = f64(node.outputs[0]!.shape);
    const X = imageView(x!.shape, layout);
    const Y = imageView(out.shape, layout);
    const [, perGroup, kh, kw] = w!.shape as [number, number, number, number];
    const outPerGroup = Y.c / attrs.groups;
    const { strides: [sh, sw], pads: [top, left], dilations: [dh, dw] } = attrs;
    // w is [outChannels, perGroup, kH, kW] in every layout.
    const weight = (o: number, ci: number, p: number, q: number): number => w!.data[((o * perGroup + ci) * kh + p) * kw + q]!;
    for (let n = 0; n < Y.n; n++) {
      for (let o = 0; o < Y.c; o++) {
        const firstIn = Math.floor(o / outPerGroup) * perGroup;
        for (let i = 0; i < Y.h; i++) {
          for (let j = 0; j < Y.w; j++) {
            let sum = -0; // the exact additive identity: a sum of only -0 terms stays -0
            for (let ci = 0; ci < perGroup; ci++) {
              for (let p = 0; p < kh; p++) {
                const ih = i * sh - top + p * dh;
                for (let q = 0; q < kw; q++) {
                  const iw = j * sw - left + q * dw;
                  const inside = ih >= 0 && ih < X.h && iw >= 0 && iw < X.w;
                  const v = inside ? x!.data[X.at(n, firstIn + ci, ih, iw)]! : 0;
                  sum += v * weight(o, ci, p, q);
                }
              }
            }
            out.data[Y.at(n, o, i, j)] = b === undefined ? sum : sum + b.data[o]!;
          }
        }
      }
    }
    return [out];
  },
});

/**
 * conv2d reference as im2col + GEMM (../gemm.ts): per batch item and group, the input windows
 * are unrolled into the columns of a matrix, written straight into the packed layout the
 * micro-kernel reads, and multiplied by the group's weight rows. Each output is still the sum
 * over (ci, p, q) in that order, starting from -0 (the exact additive identity: a sum of only -0
 * terms stays -0), with the bias added last, so the numbers are those of the direct loop.
 * Padded positions read 0 and are still multiplied, so a NaN or Infinity weight poisons every
 * output it touches, as in the im2col + GEMM that PyTorch and ONNX Runtime run.
 */
import { defineKernel, f64 } from '../kernel';
import { imageView } from '../image';
import { PANEL, gemmPacked, packLines, packedLength } from '../gemm';
import type { Conv2dAttrs } from '../../ops/conv2d';

export const conv2dKernel = defineKernel<Conv2dAttrs>({
  op: 'conv2d',
  run([x, w, b], attrs, node) {
    const layout = node.inputs[0]!.layout!;
    const out = f64(node.outputs[0]!.shape);
    const X = imageView(x!.shape, layout);
    const Y = imageView(out.shape, layout);
    const [, perGroup, kh, kw] = w!.shape as [number, number, number, number];
    const groups = attrs.groups;
    const outPerGroup = Y.c / groups;
    const { strides: [sh, sw], pads: [top, left], dilations: [dh, dw] } = attrs;
    // Strides of each semantic axis (the views are linear in every coordinate).
    const xc = X.at(0, 1, 0, 0) - X.at(0, 0, 0, 0);
    const xh = X.at(0, 0, 1, 0) - X.at(0, 0, 0, 0);
    const xw = X.at(0, 0, 0, 1) - X.at(0, 0, 0, 0);
    const yc = Y.at(0, 1, 0, 0) - Y.at(0, 0, 0, 0);
    // Output position p = i*Y.w + j sits at p * (stride of w) in both NCHW and NHWC.
    const yw = Y.at(0, 0, 0, 1) - Y.at(0, 0, 0, 0);
    const k = perGroup * kh * kw;
    const positions = Y.h * Y.w;
    if (out.data.length === 0) return [out];
    const xd = x!.data;
    // Zero-filled once: columns past the last position stay 0 in every group and batch item.
    const cols = new Float64Array(packedLength(positions, k));
    const rows = new Float64Array(packedLength(outPerGroup, k));
    for (let g = 0; g < groups; g++) {
      // w is [outChannels, perGroup, kH, kW] in every layout: a group's rows are contiguous.
      packLines(w!.data, g * outPerGroup * k, outPerGroup, k, k, 1, rows);
      for (let n = 0; n < Y.n; n++) {
        const firstIn = X.at(n, g * perGroup, 0, 0);
        for (let pos = 0; pos < positions; pos++) {
          const i = Math.floor(pos / Y.w);
          const j = pos - i * Y.w;
          let dst = Math.floor(pos / PANEL) * k * PANEL + (pos % PANEL);
          for (let ci = 0; ci < perGroup; ci++) {
            const channel = firstIn + ci * xc;
            for (let p = 0; p < kh; p++) {
              const ih = i * sh - top + p * dh;
              const rowInside = ih >= 0 && ih < X.h;
              const row = channel + ih * xh;
              for (let q = 0; q < kw; q++, dst += PANEL) {
                const iw = j * sw - left + q * dw;
                cols[dst] = rowInside && iw >= 0 && iw < X.w ? xd[row + iw * xw]! : 0;
              }
            }
          }
        }
        gemmPacked(outPerGroup, positions, k, rows, cols, -0, { out: out.data, offset: Y.at(n, g * outPerGroup, 0, 0), rowStride: yc, colStride: yw });
      }
    }
    if (b !== undefined) {
      for (let n = 0; n < Y.n; n++) {
        for (let o = 0; o < Y.c; o++) {
          const bias = b.data[o]!;
          const base = Y.at(n, o, 0, 0);
          for (let pos = 0; pos < positions; pos++) out.data[base + pos * yw] = out.data[base + pos * yw]! + bias;
        }
      }
    }
    return [out];
  },
});

/**
 * convTranspose2d reference, written as the scatter that defines it: each input element adds
 * x * w into every output position its kernel reaches; positions cropped by pads are skipped.
 */
import { defineKernel, f64 } from '../kernel';
import { imageView } from '../image';

export const convTranspose2dKernel = defineKernel({
  op: 'convTranspose2d',
  run([x, w, b], attrs, node) {
    const layout = node.inputs[0]!.layout!;
    const out = f64(node.outputs[0]!.shape);
    const X = imageView(x!.shape, layout);
    const Y = imageView(out.shape, layout);
    const [, outPerGroup, kh, kw] = w!.shape as [number, number, number, number];
    const inPerGroup = X.c / attrs.groups;
    const {
      strides: [sh, sw],
      pads: [top, left],
      dilations: [dh, dw],
    } = attrs;
    // w is [inChannels, outChannels/groups, kH, kW] in every layout.
    const weight = (c: number, oi: number, p: number, q: number): number => w!.data[((c * outPerGroup + oi) * kh + p) * kw + q]!;
    out.data.fill(-0); // the exact additive identity, so untouched positions hold only the bias
    for (let n = 0; n < X.n; n++) {
      for (let c = 0; c < X.c; c++) {
        const firstOut = Math.floor(c / inPerGroup) * outPerGroup;
        for (let i = 0; i < X.h; i++) {
          for (let j = 0; j < X.w; j++) {
            const v = x!.data[X.at(n, c, i, j)]!;
            for (let p = 0; p < kh; p++) {
              const oh = i * sh - top + p * dh;
              if (oh < 0 || oh >= Y.h) continue;
              for (let q = 0; q < kw; q++) {
                const ow = j * sw - left + q * dw;
                if (ow < 0 || ow >= Y.w) continue;
                for (let oi = 0; oi < outPerGroup; oi++) {
                  const k = Y.at(n, firstOut + oi, oh, ow);
                  out.data[k] = out.data[k]! + v * weight(c, oi, p, q);
                }
              }
            }
          }
        }
      }
    }
    if (b !== undefined) {
      for (let n = 0; n < Y.n; n++) {
        for (let o = 0; o < Y.c; o++) {
          for (let i = 0; i < Y.h; i++) {
            for (let j = 0; j < Y.w; j++) {
              const k = Y.at(n, o, i, j);
              out.data[k] = out.data[k]! + b.data[o]!;
            }
          }
        }
      }
    }
    return [out];
  },
});

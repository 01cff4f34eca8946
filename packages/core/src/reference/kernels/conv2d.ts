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
import { PANEL as GEMM_PANEL, gemmPacked, packLines, packedLength } from '../gemm';

export const conv2dKernel = defineKernel({
  op: 'conv2d',
  run([x, w, b], attrs, node) {
    const layout = node.inputs[0]!.layout!;
    const out = f64(node.outputs[0]!.shape);
    const X = imageView(x!.shape, layout);
    const Y = imageView(out.shape, layout);
    const [, perGroup, kh, kw] = w!.shape as [number, number, number, number];
    const groups = attrs.groups;
    const outPerGroup = Y.c / groups;
    const {
      strides: [sh, sw],
      pads: [top, left],
      dilations: [dh, dw],
    } = attrs;
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
    // A local copy: an imported binding can compile to a property read on every use. The
    // im2col below writes four lanes per step, as the micro-kernel reads them.
    const PANEL = GEMM_PANEL;
    /** One output channel from one group's input channels, each output summed from -0 in (ci, p, q) order. */
    const directGroup = (src: Float64Array, inBase: number, wd: Float64Array, wBase: number, dst: Float64Array, outBase: number): void => {
      for (let i = 0; i < Y.h; i++) {
        for (let j = 0; j < Y.w; j++) {
          let sum = -0;
          let wi = wBase;
          for (let ci = 0; ci < perGroup; ci++) {
            const channel = inBase + ci * xc;
            for (let p = 0; p < kh; p++) {
              const ih = i * sh - top + p * dh;
              const rowInside = ih >= 0 && ih < X.h;
              const row = channel + ih * xh;
              for (let q = 0; q < kw; q++, wi++) {
                const iw = j * sw - left + q * dw;
                sum += (rowInside && iw >= 0 && iw < X.w ? src[row + iw * xw]! : 0) * wd[wi]!;
              }
            }
          }
          dst[outBase + (i * Y.w + j) * yw] = sum;
        }
      }
    };
    // Zero-filled once: columns past the last position stay 0 in every group and batch item.
    const cols = new Float64Array(packedLength(positions, k));
    const rows = new Float64Array(packedLength(outPerGroup, k));
    for (let g = 0; g < groups; g++) {
      for (let n = 0; n < Y.n; n++) {
        const firstIn = X.at(n, g * perGroup, 0, 0);
        const firstOut = Y.at(n, g * outPerGroup, 0, 0);
        if (outPerGroup === 1) {
          // Depthwise and other one-output groups: a GEMM with one row would waste three
          // quarters of the micro-kernel, so each output sums its window directly (same order).
          directGroup(xd, firstIn, w!.data, g * k, out.data, firstOut);
          continue;
        }
        // im2col straight into the packed layout, one panel of PANEL positions at a time: the
        // writes are sequential and the input rows a panel reads are the next panel's too.
        for (let panel = 0; panel * PANEL < positions; panel++) {
          // Top-left input coordinate of each lane's window; a lane past the last position gets
          // a row far outside the image, so it reads padding zeros.
          const pos0 = panel * PANEL;
          const i0 = Math.floor(pos0 / Y.w),
            j0 = pos0 - i0 * Y.w;
          const i1 = j0 + 1 < Y.w ? i0 : i0 + 1,
            j1 = j0 + 1 < Y.w ? j0 + 1 : 0;
          const i2 = j1 + 1 < Y.w ? i1 : i1 + 1,
            j2 = j1 + 1 < Y.w ? j1 + 1 : 0;
          const i3 = j2 + 1 < Y.w ? i2 : i2 + 1,
            j3 = j2 + 1 < Y.w ? j2 + 1 : 0;
          const FAR = -(X.h + kh * dh + 1);
          const h0 = i0 * sh - top;
          const h1 = pos0 + 1 < positions ? i1 * sh - top : FAR;
          const h2 = pos0 + 2 < positions ? i2 * sh - top : FAR;
          const h3 = pos0 + 3 < positions ? i3 * sh - top : FAR;
          const w0 = j0 * sw - left,
            w1 = j1 * sw - left,
            w2 = j2 * sw - left,
            w3 = j3 * sw - left;
          let dst = panel * k * PANEL;
          for (let ci = 0; ci < perGroup; ci++) {
            const channel = firstIn + ci * xc;
            for (let p = 0; p < kh; p++) {
              const dy = p * dh;
              const ha = h0 + dy,
                hb = h1 + dy,
                hc = h2 + dy,
                hd = h3 + dy;
              const inA = ha >= 0 && ha < X.h,
                inB = hb >= 0 && hb < X.h,
                inC = hc >= 0 && hc < X.h,
                inD = hd >= 0 && hd < X.h;
              const ra = channel + ha * xh,
                rb = channel + hb * xh,
                rc = channel + hc * xh,
                rd = channel + hd * xh;
              for (let q = 0; q < kw; q++, dst += PANEL) {
                const dx = q * dw;
                const wa = w0 + dx,
                  wb = w1 + dx,
                  wc = w2 + dx,
                  wd = w3 + dx;
                cols[dst] = inA && wa >= 0 && wa < X.w ? xd[ra + wa * xw]! : 0;
                cols[dst + 1] = inB && wb >= 0 && wb < X.w ? xd[rb + wb * xw]! : 0;
                cols[dst + 2] = inC && wc >= 0 && wc < X.w ? xd[rc + wc * xw]! : 0;
                cols[dst + 3] = inD && wd >= 0 && wd < X.w ? xd[rd + wd * xw]! : 0;
              }
            }
          }
        }
        if (n === 0) packLines(w!.data, g * outPerGroup * k, outPerGroup, k, k, 1, rows);
        gemmPacked(outPerGroup, positions, k, rows, cols, -0, { out: out.data, offset: firstOut, rowStride: yc, colStride: yw });
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

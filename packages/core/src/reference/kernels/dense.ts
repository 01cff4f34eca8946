import { defineKernel, f64 } from '../kernel';
import { gemmPacked, packLines } from '../gemm';

/**
 * y[m, o] = sum_k x[m, k] * w[o, k] + b[o], with every leading axis of x folded into m: a GEMM
 * (../gemm.ts) whose B columns are w's rows. Each sum starts at 0 and runs over k in order, and
 * the bias is added last, exactly as the direct loop does.
 */
export const denseKernel = defineKernel({
  op: 'dense',
  run([x, w, b], _attrs, node) {
    const out = f64(node.outputs[0]!.shape);
    const [outFeatures, inFeatures] = w!.shape as [number, number];
    // Rows from the shape, not data.length / inFeatures, which is 0/0 when inFeatures is 0.
    let rows = 1;
    for (const d of x!.shape.slice(0, -1)) rows *= d;
    if (out.data.length === 0) return [out];
    const a = packLines(x!.data, 0, rows, inFeatures, inFeatures, 1);
    const bt = packLines(w!.data, 0, outFeatures, inFeatures, inFeatures, 1);
    gemmPacked(rows, outFeatures, inFeatures, a, bt, 0, { out: out.data, offset: 0, rowStride: outFeatures, colStride: 1 });
    if (b !== undefined) {
      for (let m = 0; m < rows; m++) {
        for (let o = 0; o < outFeatures; o++) out.data[m * outFeatures + o] = out.data[m * outFeatures + o]! + b.data[o]!;
      }
    }
    return [out];
  },
});

import { defineKernel, f64 } from '../kernel';
import type { DenseAttrs } from '../../ops/dense';

/** y[m, o] = sum_k x[m, k] * w[o, k] + b[o], with every leading axis of x folded into m. */
export const denseKernel = defineKernel<DenseAttrs>({
  op: 'dense',
  run([x, w, b], _attrs, node) {
    const out = f64(node.outputs[0]!.shape);
    const [outFeatures, inFeatures] = w!.shape as [number, number];
    // Rows from the shape, not data.length / inFeatures, which is 0/0 when inFeatures is 0.
    let rows = 1;
    for (const d of x!.shape.slice(0, -1)) rows *= d;
    for (let m = 0; m < rows; m++) {
      for (let o = 0; o < outFeatures; o++) {
        let sum = 0;
        for (let k = 0; k < inFeatures; k++) sum += x!.data[m * inFeatures + k]! * w!.data[o * inFeatures + k]!;
        out.data[m * outFeatures + o] = b === undefined ? sum : sum + b.data[o]!;
      }
    }
    return [out];
  },
});

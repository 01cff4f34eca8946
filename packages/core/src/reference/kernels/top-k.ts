import { SkipconnError } from '../../errors';
import { topKOrder } from '../../ops/top-k';
import { defineKernel, f64 } from '../kernel';

/** Each row of the last axis is ordered by the op's rule; a NaN is undefined there, so the reference refuses it. */
export const topKKernel = defineKernel({
  op: 'topK',
  run([x], attrs, node) {
    const n = x!.shape[x!.shape.length - 1]!;
    const rows = n === 0 ? 0 : x!.data.length / n;
    const values = f64(node.outputs[0]!.shape);
    const indices = f64(node.outputs[1]!.shape);
    for (let r = 0; r < rows; r++) {
      const row = x!.data.subarray(r * n, (r + 1) * n);
      const nan = row.findIndex((v) => Number.isNaN(v));
      if (nan >= 0) {
        throw new SkipconnError('INPUT_INVALID', `${node.spec.name} (topK): row ${r} holds NaN at position ${nan}, where topK is undefined: expected numbers, received NaN`);
      }
      topKOrder(n, attrs.k, (i) => row[i]!).forEach((i, slot) => {
        values.data[r * attrs.k + slot] = row[i]!;
        indices.data[r * attrs.k + slot] = i;
      });
    }
    return [values, indices];
  },
});

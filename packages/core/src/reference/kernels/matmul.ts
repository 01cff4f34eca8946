import { defineKernel, f64 } from '../kernel';
import { broadcastIndex } from '../broadcast';
import { matmulDims, type MatmulAttrs } from '../../ops/matmul';

/**
 * For each broadcast batch index, an [m, k] @ [k, n] product. Dropping the promoted size-1 axes
 * does not move any element, so the output is written as [batch..., m, n].
 */
export const matmulKernel = defineKernel<MatmulAttrs>({
  op: 'matmul',
  run([a, b], _attrs, node) {
    const { batchA, batchB, batch, m, k, n } = matmulDims(a!.shape, b!.shape, { node: node.spec.name, op: 'matmul' });
    const out = f64(node.outputs[0]!.shape);
    const ia = broadcastIndex(batchA, batch);
    const ib = broadcastIndex(batchB, batch);
    for (let t = 0; t < ia.length; t++) {
      const aBase = ia[t]! * m * k;
      const bBase = ib[t]! * k * n;
      const outBase = t * m * n;
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let sum = 0;
          for (let p = 0; p < k; p++) sum += a!.data[aBase + i * k + p]! * b!.data[bBase + p * n + j]!;
          out.data[outBase + i * n + j] = sum;
        }
      }
    }
    return [out];
  },
});

import { defineKernel, f64 } from '../kernel';
import { broadcastIndex } from '../broadcast';
import { gemmPacked, packLines, packedLength } from '../gemm';
import { matmulDims } from '../../ops/matmul';

/**
 * For each broadcast batch index, an [m, k] @ [k, n] product (a GEMM, ../gemm.ts; each sum
 * starts at 0 and runs over k in order, as the direct loop does). Dropping the promoted size-1
 * axes does not move any element, so the output is written as [batch..., m, n].
 */
export const matmulKernel = defineKernel({
  op: 'matmul',
  run([a, b], _attrs, node) {
    const { batchA, batchB, batch, m, k, n } = matmulDims(a!.shape, b!.shape, { node: node.spec.name, op: 'matmul' });
    const out = f64(node.outputs[0]!.shape);
    if (out.data.length === 0) return [out];
    const ia = broadcastIndex(batchA, batch);
    const ib = broadcastIndex(batchB, batch);
    const packedA = new Float64Array(packedLength(m, k));
    const packedB = new Float64Array(packedLength(n, k));
    // A broadcast operand is packed once for the run of batch items that reuse it.
    let lastA = -1;
    let lastB = -1;
    for (let t = 0; t < ia.length; t++) {
      if (ia[t] !== lastA) packLines(a!.data, ia[t]! * m * k, m, k, k, 1, packedA);
      if (ib[t] !== lastB) packLines(b!.data, ib[t]! * k * n, n, k, 1, n, packedB);
      lastA = ia[t]!;
      lastB = ib[t]!;
      gemmPacked(m, n, k, packedA, packedB, 0, { out: out.data, offset: t * m * n, rowStride: n, colStride: 1 });
    }
    return [out];
  },
});

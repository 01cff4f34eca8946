/**
 * matmul: NumPy matmul semantics (ONNX MatMul, torch.matmul).
 *
 * a [..., M, K] @ b [..., K, N] -> [batch..., M, N], batch dims broadcast (NumPy rules).
 * A rank-1 a is promoted to [1, K] and a rank-1 b to [K, 1]; the added axis is removed from the
 * output afterwards, so [K] @ [K] gives a scalar [].
 *
 * Layout: the output keeps a's layout when a's channel axis is its last axis (NC, NTC, NHWC) and
 * the output has a's rank: then the matmul replaces channels with new features, as dense does
 * (x [N, T, C] @ w [C, D] in attention projections). Otherwise the output has no layout.
 */
import { GraphError, type NodeRef } from '../errors';
import { formatShape } from '../tensor';
import { channelAxis } from '../layout';
import type { ValueInfo } from '../graph/types';
import { defineOp } from './op';
import { parseNoAttrs } from './attrs';
import { requireFloat, requireSameDType } from './shape';

export const MATMUL = 'matmul';

export type MatmulAttrs = Record<string, never>;

/** The dimensions of one matmul after rank-1 promotion; the kernel loops over exactly these. */
export interface MatmulDims {
  readonly batchA: readonly number[];
  readonly batchB: readonly number[];
  /** Broadcast batch shape. */
  readonly batch: readonly number[];
  readonly m: number;
  readonly k: number;
  readonly n: number;
  /** Output shape, with promoted axes removed. */
  readonly outShape: readonly number[];
}

/** Promotes, checks and broadcasts the operand shapes. Throws GraphError naming both shapes. */
export function matmulDims(a: readonly number[], b: readonly number[], ref: NodeRef): MatmulDims {
  const both = `a ${formatShape(a)}, b ${formatShape(b)}`;
  if (a.length === 0 || b.length === 0) {
    throw new GraphError('SHAPE_MISMATCH', ref, 'matmul operands must have rank >= 1', { expected: 'a and b of rank >= 1', received: both });
  }
  const pa = a.length === 1 ? [1, a[0]!] : [...a];
  const pb = b.length === 1 ? [b[0]!, 1] : [...b];
  const [m, k] = pa.slice(-2) as [number, number];
  const [kb, n] = pb.slice(-2) as [number, number];
  if (k !== kb) {
    throw new GraphError('SHAPE_MISMATCH', ref, 'inner dimensions differ', {
      expected: `b with ${k} rows (b [..., ${k}, N]) for a ${formatShape(a)}`,
      received: both,
    });
  }
  const batchA = pa.slice(0, -2);
  const batchB = pb.slice(0, -2);
  const rank = Math.max(batchA.length, batchB.length);
  const batch: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = batchA[batchA.length - rank + i] ?? 1;
    const db = batchB[batchB.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new GraphError('SHAPE_MISMATCH', ref, 'batch dimensions do not broadcast', {
        expected: 'batch dims (all but the last two) equal or 1 at each axis (NumPy broadcasting)',
        received: both,
      });
    }
    batch.push(da === 1 ? db : da);
  }
  const outShape = [...batch, ...(a.length === 1 ? [] : [m]), ...(b.length === 1 ? [] : [n])];
  return { batchA, batchB, batch, m, k, n, outShape };
}

export const matmul = defineOp<MatmulAttrs, typeof MATMUL>({
  type: MATMUL,
  category: 'linear',
  summary: 'y = a @ b with NumPy semantics (rank-1 promotion, broadcast batch dims)',
  inputNames: ['a', 'b'],
  minInputs: 2,
  maxInputs: 2,
  parseAttrs: parseNoAttrs,
  inferShape(inputs, _attrs, ref) {
    const [a, b] = inputs as [ValueInfo, ValueInfo];
    requireFloat(a, 'a', ref);
    requireSameDType(inputs, ref);
    const shape = [...matmulDims(a.shape, b.shape, ref).outShape];
    const keep = a.layout !== undefined && channelAxis(a.layout) === a.shape.length - 1 && shape.length === a.shape.length;
    return [{ dtype: a.dtype, shape, layout: keep ? a.layout : undefined }];
  },
});

/**
 * transpose: y[i_0, ..., i_{r-1}] = x[j] with j[perm[a]] = i_a, i.e. output axis a is input
 * axis perm[a] (NumPy, ONNX Transpose).
 *
 * Attrs: perm, a permutation of 0..rank-1 (default: the axes reversed); layout (optional)
 * declares the output's layout and must fit the rank.
 * Layout without a declaration: NCHW with perm [0,2,3,1] gives NHWC, NHWC with [0,3,1,2] gives
 * NCHW, the identity keeps x's layout; anything else has none. A declared layout that contradicts
 * one of those is an error, since a wrong layout silently moves the channel axis.
 * Graph-boundary layout changes are the intended use; the porting rules forbid one per op.
 */
import { GraphError, type NodeRef } from '../errors';
import { formatShape } from '../tensor';
import type { Layout } from '../layout';
import type { ValueInfo } from '../graph/types';
import { defineOp } from './op';
import { readIntList, rejectUnknownAttrs } from './attrs';
import { checkDeclaredLayout, readDeclaredLayout } from './reshape';

export const TRANSPOSE = 'transpose';

export interface TransposeAttrs {
  /** Undefined means reversed axes; resolve with transposePerm. */
  readonly perm?: readonly number[];
  readonly layout?: Layout;
}

/** The permutation for an input of `rank`, checked. */
export function transposePerm(attrs: TransposeAttrs, rank: number, ref: NodeRef): number[] {
  if (attrs.perm === undefined) return Array.from({ length: rank }, (_, i) => rank - 1 - i);
  const perm = [...attrs.perm];
  const seen = new Set(perm);
  if (perm.length !== rank || seen.size !== rank || perm.some((a) => a < 0 || a >= rank)) {
    throw new GraphError('ATTRIBUTE_INVALID', ref, "attribute 'perm' is not a permutation of the input axes", {
      expected: `a permutation of 0..${rank - 1} (input rank ${rank})`,
      received: JSON.stringify(perm),
    });
  }
  return perm;
}

function impliedLayout(from: Layout | undefined, perm: readonly number[]): Layout | undefined {
  const key = perm.join(',');
  if (from === undefined) return undefined;
  if (perm.every((a, i) => a === i)) return from;
  if (from === 'NCHW' && key === '0,2,3,1') return 'NHWC';
  if (from === 'NHWC' && key === '0,3,1,2') return 'NCHW';
  return undefined;
}

export const transpose = defineOp<TransposeAttrs, typeof TRANSPOSE>({
  type: TRANSPOSE,
  category: 'shape',
  summary: 'y = x with axes permuted (output axis a is input axis perm[a]); default reverses',
  inputNames: ['x'],
  minInputs: 1,
  maxInputs: 1,
  parseAttrs(raw, ref) {
    rejectUnknownAttrs(raw, ['perm', 'layout'], ref);
    const perm = raw['perm'] === undefined ? undefined : readIntList(raw, 'perm', [], ref, undefined, 0);
    return { perm, layout: readDeclaredLayout(raw, ref) };
  },
  inferShape(inputs, attrs, ref) {
    const x = inputs[0]!;
    const perm = transposePerm(attrs, x.shape.length, ref);
    const shape = perm.map((a) => x.shape[a]!);
    checkDeclaredLayout(attrs.layout, shape, ref);
    const implied = impliedLayout(x.layout, perm);
    if (attrs.layout !== undefined && implied !== undefined && attrs.layout !== implied) {
      throw new GraphError('ATTRIBUTE_INVALID', ref, `declared layout ${attrs.layout} contradicts the permutation`, {
        expected: `layout ${implied} (x ${formatShape(x.shape)} is ${x.layout}, perm [${perm.join(',')}])`,
        received: `layout ${attrs.layout}`,
      });
    }
    return [{ dtype: x.dtype, shape, layout: attrs.layout ?? implied } satisfies ValueInfo];
  },
});

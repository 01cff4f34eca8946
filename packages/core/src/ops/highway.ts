/**
 * highway: y = T * H + C * x, with T = sigmoid(transformLogits).
 * carry 'coupled' (Srivastava et al. 2015, the common form): C = 1 - T, inputs [x, h, t].
 * carry 'separate': C = sigmoid(carryLogits), inputs [x, h, t, c].
 * All inputs have one shape; the sigmoid is part of the merge so that fused kernels can apply it.
 */
import { GraphError } from '../errors';
import { formatShape, shapesEqual } from '../tensor';
import type { ValueInfo } from '../graph/types';
import { defineOp } from './op';
import { readEnum, rejectUnknownAttrs } from './attrs';
import { requireFloat, requireSameDType } from './shape';

export const HIGHWAY = 'highway';

export interface HighwayAttrs {
  readonly carry: 'coupled' | 'separate';
}

export const highway = defineOp<HighwayAttrs, typeof HIGHWAY>({
  type: HIGHWAY,
  category: 'merge',
  summary: 'y = sigmoid(t) * h + c * x, c = 1 - sigmoid(t) (coupled) or sigmoid(carry logits)',
  inputNames: ['x', 'h', 'transformLogits', 'carryLogits?'],
  minInputs: 3,
  maxInputs: 4,
  parseAttrs(raw, ref) {
    rejectUnknownAttrs(raw, ['carry'], ref);
    return { carry: readEnum(raw, 'carry', ['coupled', 'separate'] as const, 'coupled', ref) };
  },
  inferShape(inputs, attrs, ref) {
    const wanted = attrs.carry === 'coupled' ? 3 : 4;
    if (inputs.length !== wanted) {
      throw new GraphError('GRAPH_INVALID', ref, `carry '${attrs.carry}' takes ${wanted} inputs`, {
        expected: attrs.carry === 'coupled' ? '[x, h, transformLogits]' : '[x, h, transformLogits, carryLogits]',
        received: `${inputs.length} inputs`,
      });
    }
    const x = inputs[0]!;
    requireFloat(x, 'x', ref);
    requireSameDType(inputs, ref);
    const names = ['x', 'h', 'transformLogits', 'carryLogits'];
    inputs.forEach((info, i) => {
      if (!shapesEqual(info.shape, x.shape)) {
        throw new GraphError('SHAPE_MISMATCH', ref, `${names[i]} must have the shape of x`, {
          expected: formatShape(x.shape),
          received: formatShape(info.shape),
          hint: i === 1 ? 'A highway transform H must keep the width; project x first if it changes' : undefined,
        });
      }
    });
    const layout = inputs.find((i) => i.layout !== undefined)?.layout;
    return [{ dtype: x.dtype, shape: [...x.shape], layout } satisfies ValueInfo];
  },
});

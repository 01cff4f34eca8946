/**
 * softmax: y_i = exp(x_i - max) / sum_j exp(x_j - max) along one axis.
 *
 * Attrs: axis, an integer (default -1; negative counts from the end) or the semantic name
 * 'channels', resolved by x's layout (an error when x has none). Use resolveSoftmaxAxis so that
 * adapters turn 'channels' into the same integer axis as the reference.
 *
 * Subtracting the row max keeps exp from overflowing and does not change the result. Edge cases
 * follow from the formula, as in PyTorch: a row that is all -Infinity gives NaN
 * (exp(-inf - -inf) = exp(NaN)); a +Infinity or a NaN in a row makes the whole row NaN.
 * A zero-size axis gives an empty output.
 */
import { GraphError, type NodeRef } from '../errors';
import { channelAxis } from '../layout';
import type { ValueInfo } from '../graph/types';
import { defineOp } from './op';
import { rejectUnknownAttrs } from './attrs';
import { normalizeAxis, requireFloat, requireLayout } from './shape';

export const SOFTMAX = 'softmax';

export interface SoftmaxAttrs {
  readonly axis: number | 'channels';
}

/** The integer axis (0 .. rank-1) softmax runs along for an input `x`. */
export function resolveSoftmaxAxis(attrs: SoftmaxAttrs, x: ValueInfo, ref: NodeRef): number {
  if (attrs.axis === 'channels') return channelAxis(requireLayout(x, 'x', ref));
  return normalizeAxis(attrs.axis, x.shape.length, ref);
}

export const softmax = defineOp<SoftmaxAttrs, typeof SOFTMAX>({
  type: SOFTMAX,
  category: 'activation',
  summary: 'y = exp(x - max) / sum(exp(x - max)) along an axis (integer or "channels")',
  inputNames: ['x'],
  minInputs: 1,
  maxInputs: 1,
  parseAttrs(raw, ref) {
    rejectUnknownAttrs(raw, ['axis'], ref);
    const v = raw['axis'] ?? -1;
    if (v !== 'channels' && !(typeof v === 'number' && Number.isSafeInteger(v))) {
      throw new GraphError('ATTRIBUTE_INVALID', ref, "attribute 'axis' is invalid", {
        expected: "an integer or 'channels'",
        received: JSON.stringify(v) ?? String(v),
      });
    }
    return { axis: v };
  },
  inferShape(inputs, attrs, ref) {
    const x = inputs[0]!;
    requireFloat(x, 'x', ref);
    resolveSoftmaxAxis(attrs, x, ref);
    return [{ dtype: x.dtype, shape: [...x.shape], layout: x.layout }];
  },
});

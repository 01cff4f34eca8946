/** Shared definition of shape-preserving unary ops (activations). */
import type { Attrs, ValueInfo } from '../graph/types';
import type { NodeRef } from '../errors';
import { defineOp, type OpDef } from './op';
import { parseNoAttrs } from './attrs';
import { requireFloat } from './shape';

export function unaryOp<A = Record<string, never>>(
  type: string,
  summary: string,
  parseAttrs: (raw: Attrs, ref: NodeRef) => A = (raw, ref) => parseNoAttrs(raw, ref) as A,
): OpDef<A> {
  return defineOp<A>({
    type,
    category: 'activation',
    summary,
    inputNames: ['x'],
    minInputs: 1,
    maxInputs: 1,
    parseAttrs,
    inferShape(inputs, _attrs, ref) {
      const x = inputs[0] as ValueInfo;
      requireFloat(x, 'x', ref);
      return [{ ...x, shape: [...x.shape] }];
    },
  });
}

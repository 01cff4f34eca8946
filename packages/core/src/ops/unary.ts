/** Shared definition of shape-preserving unary ops (activations). */
import type { Attrs, ValueInfo } from '../graph/types';
import type { NodeRef } from '../errors';
import { defineOp, type OpDef } from './op';
import { parseNoAttrs } from './attrs';
import { requireFloat } from './shape';

export type NoAttrs = Record<string, never>;

export function unaryOp<A, T extends string>(type: T, summary: string, parseAttrs: (raw: Attrs, ref: NodeRef) => A): OpDef<A, T>;
export function unaryOp<T extends string>(type: T, summary: string): OpDef<NoAttrs, T>;
export function unaryOp<A, T extends string>(type: T, summary: string, parseAttrs: (raw: Attrs, ref: NodeRef) => A | NoAttrs = parseNoAttrs): OpDef<A | NoAttrs, T> {
  return defineOp<A | NoAttrs, T>({
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

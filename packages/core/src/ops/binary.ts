/** Shared definition of the elementwise binary ops (add, sub, mul, div): NumPy broadcasting. */
import type { ValueInfo } from '../graph/types';
import { defineOp, type OpDef } from './op';
import { parseNoAttrs } from './attrs';
import { broadcastShapes, requireSameDType } from './shape';
import { shapesEqual } from '../tensor';

export type BinaryAttrs = Record<string, never>;

export function binaryOp<T extends string>(type: T, summary: string): OpDef<BinaryAttrs, T> {
  return defineOp<BinaryAttrs, T>({
    type,
    category: 'elementwise',
    summary,
    inputNames: ['a', 'b'],
    minInputs: 2,
    maxInputs: 2,
    parseAttrs: parseNoAttrs,
    inferShape(inputs, _attrs, ref) {
      const [a, b] = inputs as [ValueInfo, ValueInfo];
      requireSameDType(inputs, ref);
      const shape = broadcastShapes(a.shape, b.shape, ref);
      // The output keeps the layout of an input that already has the output's shape.
      const layout = (shapesEqual(a.shape, shape) ? a.layout : undefined) ?? (shapesEqual(b.shape, shape) ? b.layout : undefined);
      return [{ dtype: a.dtype, shape, layout }];
    },
  });
}

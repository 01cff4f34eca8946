/**
 * Shared definition of the elementwise binary ops (add, sub, mul, div, floorDiv): NumPy
 * broadcasting, both operands of one dtype, which is the output's.
 *
 * int32 (add, sub, mul, floorDiv): exact integer arithmetic wrapped to 32 bits, two's complement
 * (2147483647 + 1 = -2147483648; 65536 * 65536 = 0), which is what ONNX Runtime's and tfjs's
 * int32 kernels give for sums and for products below 2^53. tfjs's cpu kernel multiplies in
 * float64, so a product beyond 2^53 loses its low bits before it wraps ((2^31 - 1)^2 gives 0,
 * not 1): the tfjs adapter splits int32 products on the cpu backend, and its GPU backends, which
 * hand small int32 products to that kernel, expect that case to fail. The indices and counts
 * these ops carry in real graphs (keypoint decoding: idx // W, idx - (idx // W) * W) are far
 * inside every bound.
 */
import { GraphError } from '../errors';
import type { ValueInfo } from '../graph/types';
import type { DType } from '../tensor';
import { defineOp, type OpDef } from './op';
import { parseNoAttrs } from './attrs';
import { broadcastShapes, requireSameDType } from './shape';
import { shapesEqual } from '../tensor';

export type BinaryAttrs = Record<string, never>;

/** The floating-point dtypes, which every elementwise op reads. */
export const FLOAT_DTYPES: readonly DType[] = ['float32', 'float16', 'float64'];

/** What add, sub and mul read: floats, and int32 with two's complement wrapping. */
export const ARITHMETIC_DTYPES: readonly DType[] = [...FLOAT_DTYPES, 'int32'];

export function binaryOp<T extends string>(type: T, summary: string, dtypes: readonly DType[] = ARITHMETIC_DTYPES, hint?: string): OpDef<BinaryAttrs, T> {
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
      if (!dtypes.includes(a.dtype)) {
        throw new GraphError('SHAPE_MISMATCH', ref, `${type} does not read dtype ${a.dtype}`, { expected: dtypes.join(', '), received: a.dtype, hint });
      }
      const shape = broadcastShapes(a.shape, b.shape, ref);
      // The output keeps the layout of an input that already has the output's shape.
      const layout = (shapesEqual(a.shape, shape) ? a.layout : undefined) ?? (shapesEqual(b.shape, shape) ? b.layout : undefined);
      return [{ dtype: a.dtype, shape, layout }];
    },
  });
}

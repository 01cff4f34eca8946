/**
 * equal: y = 1 where a == b, else 0, elementwise with NumPy broadcasting, in the operands' dtype
 * (the IR has no bool). TF's Equal and ONNX's Equal give a bool; a graph that casts it to a number
 * (centernet's peak test, Cast(Equal(x, MaxPool(x)), float)) is this op, the Cast folded into its
 * dtype. Reads float32, float16, float64 and int32, both operands of one dtype.
 *
 * Exact values: IEEE equality, so NaN equals nothing (NaN == NaN is 0), -0 == +0 is 1, and
 * +Infinity == +Infinity is 1.
 */
import { binaryOp } from './binary';

export const EQUAL = 'equal';
export const equal = binaryOp(EQUAL, "y = 1 where a == b, else 0, in the operands' dtype (broadcast; IEEE: NaN equals nothing, -0 == +0)");

/** One element of equal, as the header says. */
export function equalValue(a: number, b: number): number {
  return a === b ? 1 : 0;
}

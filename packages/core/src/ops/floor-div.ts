/**
 * floorDiv: y = floor(a / b), the integer quotient rounded toward -Infinity, elementwise with
 * NumPy broadcasting, on int32 only. TF's FloorDiv and Python's // on integers: 7 // 2 = 3,
 * -7 // 2 = -4, 7 // -2 = -4, -7 // -2 = 3. ONNX's Div on integers truncates toward zero instead
 * (-7 / 2 = -3), so the ONNX export corrects its quotient where the remainder is non-zero and the
 * signs differ.
 *
 * Undefined, so conformance holds no adapter to them: b = 0 and -2^31 // -1, whose quotient 2^31
 * is outside int32. The runtimes differ there (measured): ONNX Runtime's integer Div refuses a
 * zero divisor ("Integer division by zero") and kills the process on -2^31 / -1 (SIGFPE on
 * x86-64), which is one reason the ONNX export divides in float64 instead; tfjs's cpu backend
 * gives 0 for b = 0. The reference evaluator refuses both with INPUT_INVALID.
 */
import { SkipconnError } from '../errors';
import { binaryOp } from './binary';

export const FLOOR_DIV = 'floorDiv';
export const floorDiv = binaryOp(FLOOR_DIV, 'y = floor(a / b) (broadcast; int32 only; b = 0 and -2^31 // -1 are undefined)', ['int32'], 'float division is div');

/** One element's floor division, exactly as the header says; throws where it is undefined. */
export function floorDivValue(a: number, b: number): number {
  if (b === 0) throw new SkipconnError('INPUT_INVALID', `floorDiv: division by zero (${a} // 0) is undefined: expected a non-zero divisor, received 0`);
  if (a === -(2 ** 31) && b === -1) throw new SkipconnError('INPUT_INVALID', 'floorDiv: -2147483648 // -1 overflows int32 and is undefined: expected a quotient within int32, received 2147483648');
  // Exact: for |a|, |b| < 2^31 a non-integer quotient lies at least 1/|b| from an integer, far
  // more than the float64 rounding of a / b, so floor never crosses one.
  const q = Math.floor(a / b);
  return q === 0 ? 0 : q;
}

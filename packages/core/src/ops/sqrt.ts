/**
 * sqrt: y = the square root of x, elementwise, correctly rounded (IEEE 754); shape, dtype and
 * layout are kept. ONNX Sqrt and TF Sqrt. sqrt(-0) = -0, sqrt(+Infinity) = +Infinity, NaN and
 * every x < 0 (-Infinity included) give NaN.
 */
import { unaryOp } from './unary';

export const SQRT = 'sqrt';
export const sqrt = unaryOp(SQRT, 'y = sqrt(x) (x < 0 gives NaN, -0 stays -0)');

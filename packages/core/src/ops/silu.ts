import { unaryOp } from './unary';

export const SILU = 'silu';
/** silu (swish with beta 1): y = x * sigmoid(x). */
export const silu = unaryOp(SILU, 'y = x * sigmoid(x)');

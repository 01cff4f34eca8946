import { unaryOp } from './unary';

export const RELU = 'relu';
/** relu(x) = max(x, 0); NaN stays NaN. */
export const relu = unaryOp(RELU, 'y = max(x, 0)');

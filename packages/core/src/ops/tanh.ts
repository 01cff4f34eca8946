import { unaryOp } from './unary';

export const TANH = 'tanh';
export const tanh = unaryOp(TANH, 'y = tanh(x)');

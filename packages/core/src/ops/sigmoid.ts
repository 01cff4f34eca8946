import { unaryOp } from './unary';

export const SIGMOID = 'sigmoid';
export const sigmoid = unaryOp(SIGMOID, 'y = 1 / (1 + exp(-x))');

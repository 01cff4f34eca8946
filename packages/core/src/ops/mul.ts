import { binaryOp } from './binary';

export const MUL = 'mul';
export const mul = binaryOp(MUL, 'y = a * b (broadcast)');

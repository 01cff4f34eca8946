import { binaryOp } from './binary';

export const SUB = 'sub';
export const sub = binaryOp(SUB, 'y = a - b (broadcast)');

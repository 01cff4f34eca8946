import { binaryOp } from './binary';

export const ADD = 'add';
export const add = binaryOp(ADD, 'y = a + b (broadcast)');

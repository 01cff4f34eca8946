import { binaryOp } from './binary';

export const DIV = 'div';
export const div = binaryOp(DIV, 'y = a / b (broadcast; IEEE division, x/0 = +-Inf or NaN)');

import { binaryOp, FLOAT_DTYPES } from './binary';

export const DIV = 'div';
export const div = binaryOp(DIV, 'y = a / b (broadcast; IEEE division, x/0 = +-Inf or NaN; floats only)', FLOAT_DTYPES, 'integer division is floorDiv, which rounds toward -Infinity as TF FloorDiv and Python // do');

import { binaryKernel } from './impl/binary';

/**
 * equal (core ops/equal.ts) with NumPy broadcasting: tf.equal's bool cast back to the operands'
 * dtype (1 and 0), as the IR has no bool. tf.equal is IEEE equality (NaN equals nothing).
 */
export const equalKernel = binaryKernel('equal', (tf, a, b) => tf.cast(tf.equal(a, b), a.dtype));

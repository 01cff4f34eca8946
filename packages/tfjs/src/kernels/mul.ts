import { binaryKernel } from './impl/binary';

/** mul with NumPy broadcasting. */
export const mulKernel = binaryKernel('mul', (tf, a, b) => tf.mul(a, b));

import { binaryKernel } from './impl/binary';

/** sub with NumPy broadcasting. */
export const subKernel = binaryKernel('sub', (tf, a, b) => tf.sub(a, b));

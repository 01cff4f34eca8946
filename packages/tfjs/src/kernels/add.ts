import { binaryKernel } from './impl/binary';

/** add with NumPy broadcasting. */
export const addKernel = binaryKernel('add', (tf, a, b) => tf.add(a, b));

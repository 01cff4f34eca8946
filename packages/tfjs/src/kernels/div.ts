import { binaryKernel } from './impl/binary';

/** div with NumPy broadcasting. */
export const divKernel = binaryKernel('div', (tf, a, b) => tf.div(a, b));

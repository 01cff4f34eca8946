import { binaryKernel } from './impl/binary';

/**
 * floorDiv (core ops/floor-div.ts) on int32 with NumPy broadcasting: tf.floorDiv, which rounds
 * toward -Infinity as the IR does (the cpu backend floors the float64 quotient, exact for int32).
 */
export const floorDivKernel = binaryKernel('floorDiv', (tf, a, b) => tf.floorDiv(a, b));

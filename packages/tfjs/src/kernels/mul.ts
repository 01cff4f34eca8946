import { binaryKernel } from './impl/binary';
import type { Tensor, Tf } from '../tf';

/**
 * a * b of int32 tensors wrapped to 32 bits on the cpu backend, which multiplies in float64 and so
 * loses the low bits of products beyond 2^53 before its int32 store wraps them: (2^31 - 1)^2 gives
 * 0, not 1. Split a = hi * 2^16 + lo (floorDiv is exact there): hi * b and lo * b stay below 2^47,
 * so every step is exact before it wraps. wasm's int32 kernels wrap exactly as they are; webgl and
 * webgpu run small int32 products through the same cpu kernel and are not split, since their own
 * floorDiv rounds in float32 (their expected failures list the case).
 */
function wrappedProduct(tf: Tf, a: Tensor, b: Tensor): Tensor {
  const base = tf.scalar(65536, 'int32');
  const hi = tf.floorDiv(a, base);
  const lo = tf.sub(a, tf.mul(hi, base));
  return tf.add(tf.mul(tf.mul(hi, b), base), tf.mul(lo, b));
}

/** mul with NumPy broadcasting; int32 products wrap around 2^32 as core ops/binary.ts says. */
export const mulKernel = binaryKernel('mul', (tf, a, b) => (a.dtype === 'int32' && tf.getBackend() === 'cpu' ? wrappedProduct(tf, a, b) : tf.mul(a, b)));

import { defineTfKernel } from './kernel';

/** The largest float32 below 2^31: clipping there keeps tf.cast in the int32 range (2^31 - 1 itself rounds up to 2^31 in float32). */
const LARGEST_FLOAT32_BELOW_2_31 = 2147483520;

/**
 * cast (core ops/cast.ts), elementwise on any storage. tf.cast to int32 truncates toward zero but
 * wraps out-of-range values modulo 2^32 and turns NaN and +-Infinity into 0, so to int32 the
 * input is first clipped to the int32 range (values at or above 2^31 become 2^31 - 1 with a
 * tf.where) and NaN is replaced by 0: the IR's saturation on every backend. To float32 is tf.cast
 * itself (int32 rounds to nearest even, as Float32Array does; float16 graphs already hold float32).
 */
export const castKernel = defineTfKernel({
  op: 'cast',
  placement: 'follow',
  compile: ({ tf, attrs }) => ({
    run: ([x]) => {
      if (attrs.to === 'float32' || x!.dtype === 'int32') return [tf.cast(x!, attrs.to)];
      const finite = tf.where(tf.isNaN(x!), tf.zerosLike(x!), x!);
      const inRange = tf.cast(tf.clipByValue(finite, -(2 ** 31), LARGEST_FLOAT32_BELOW_2_31), 'int32');
      return [tf.where(tf.greaterEqual(finite, 2 ** 31), tf.fill(inRange.shape, 2 ** 31 - 1, 'int32'), inRange)];
    },
  }),
});

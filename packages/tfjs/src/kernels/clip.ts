import { defineTfKernel } from './kernel';

/**
 * clip: x < min -> min, x > max -> max, else x (core ops/clip.ts), elementwise on any storage.
 * Written with tf.where on the two comparisons rather than tf.clipByValue, so NaN propagates and
 * -0 stays -0 on every backend (XNNPACK's clamp is not specified for NaN); infinite bounds are
 * skipped, which is exact.
 */
export const clipKernel = defineTfKernel({
  op: 'clip',
  placement: 'follow',
  compile: ({ tf, attrs }) => ({
    run: ([x]) => {
      let y = x!;
      if (attrs.min !== -Infinity) y = tf.where(tf.less(y, attrs.min), tf.fill(y.shape, attrs.min), y);
      if (attrs.max !== Infinity) y = tf.where(tf.greater(y, attrs.max), tf.fill(y.shape, attrs.max), y);
      return [y];
    },
  }),
});

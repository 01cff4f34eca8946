import { defineTfKernel } from './kernel';

/**
 * hardSigmoid: t = alpha * x + beta, then 0 below 0 and 1 above 1, else t (core
 * ops/hard-sigmoid.ts), elementwise on any storage. The bounds are tf.where on comparisons, as in
 * clip, so NaN propagates on every backend.
 */
export const hardSigmoidKernel = defineTfKernel({
  op: 'hardSigmoid',
  placement: 'follow',
  compile: ({ tf, attrs }) => ({
    run: ([x]) => {
      const t = tf.add(tf.mul(x!, attrs.alpha), attrs.beta);
      const low = tf.where(tf.less(t, 0), tf.zerosLike(t), t);
      return [tf.where(tf.greater(low, 1), tf.onesLike(low), low)];
    },
  }),
});

import { defineTfKernel } from './kernel';

/**
 * elu: alpha * expm1(x) where x < 0, else x (core ops/elu.ts), elementwise on any storage.
 * tf.elu has no alpha and computes exp(x) - 1, which cancels near 0; tf.expm1 does not. The
 * tf.where on x < 0 passes NaN, -0 and +Infinity through.
 */
export const eluKernel = defineTfKernel({
  op: 'elu',
  placement: 'follow',
  compile: ({ tf, attrs }) => ({
    run: ([x]) => [tf.where(tf.less(x!, 0), tf.mul(tf.expm1(x!), attrs.alpha), x!)],
  }),
});

import { defineTfKernel } from './kernel';

/** highway: y = T * h + C * x, T = sigmoid(t), C = 1 - T (coupled) or sigmoid(c); all inputs one shape. */
export const highwayKernel = defineTfKernel({
  op: 'highway',
  placement: 'follow',
  compile: ({ tf, attrs }) => ({
    run: ([x, h, t, c]) => {
      const T = tf.sigmoid(t!);
      const C = attrs.carry === 'coupled' ? tf.sub(1, T) : tf.sigmoid(c!);
      return [tf.add(tf.mul(T, h!), tf.mul(C, x!))];
    },
  }),
});

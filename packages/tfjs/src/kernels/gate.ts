import { defineTfKernel } from './kernel';

/**
 * gate: y = x * g. The validator already checked that g broadcasts only over declared axes; g is
 * stored like x (same rank), so its size-1 axes sit on the same physical axes and tf.mul's
 * broadcasting is the declared one.
 */
export const gateKernel = defineTfKernel({
  op: 'gate',
  placement: 'follow',
  compile: ({ tf }) => ({ run: ([x, g]) => [tf.mul(x!, g!)] }),
});

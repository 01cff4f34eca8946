import { defineTfKernel } from './kernel';

/**
 * topK (core ops/top-k.ts) in logical order: tf.topk along the last axis, sorted. tfjs puts the
 * lower index first among equal values, as the IR does; its int32 indices are the IR's.
 */
export const topKKernel = defineTfKernel({
  op: 'topK',
  placement: 'logical',
  compile: ({ tf, attrs }) => ({
    run: ([x]) => {
      const { values, indices } = tf.topk(x!, attrs.k, true);
      return [values, indices];
    },
  }),
});

import { defineTfKernel } from './kernel';

/**
 * gatherNd (core ops/gather-nd.ts) in logical order: tf.gatherND with the int32 indices as they
 * are. Out-of-range indices are undefined in the IR, and tfjs does not check them all (core
 * ops/gather-nd.ts says what each backend does).
 */
export const gatherNdKernel = defineTfKernel({
  op: 'gatherNd',
  placement: 'logical',
  compile: ({ tf }) => ({ run: ([x, indices]) => [tf.gatherND(x!, indices!)] }),
});

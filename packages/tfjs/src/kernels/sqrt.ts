import { defineTfKernel } from './kernel';

/** sqrt (core ops/sqrt.ts), elementwise on any storage: tf.sqrt. */
export const sqrtKernel = defineTfKernel({
  op: 'sqrt',
  placement: 'follow',
  compile: ({ tf }) => ({ run: ([x]) => [tf.sqrt(x!)] }),
});

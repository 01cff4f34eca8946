import { defineTfKernel } from './kernel';

/** reshape in logical (row-major) order; the output shape comes from the validated graph. */
export const reshapeKernel = defineTfKernel({
  op: 'reshape',
  placement: 'logical',
  compile: ({ tf, outputShapes }) => {
    const shape = [...outputShapes[0]!];
    return { run: ([x]) => [tf.reshape(x!, shape)] };
  },
});

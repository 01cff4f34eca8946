import { defineTfKernel } from './kernel';

/**
 * flatten needs logical order: flattening channels-last storage would interleave channels. The
 * layout pass hands it the logical tensor (a reshape, not a transpose, when only size-1 axes
 * move, as after globalAvgPool).
 */
export const flattenKernel = defineTfKernel({
  op: 'flatten',
  placement: 'logical',
  compile: ({ tf, outputShapes }) => {
    const shape = [...outputShapes[0]!];
    return { run: ([x]) => [tf.reshape(x!, shape)] };
  },
});

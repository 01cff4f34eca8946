import { normalizeAxis } from '@skipconn/core';
import { defineTfKernel } from './kernel';

/**
 * argMax (core ops/arg-max.ts) in logical order. tf.argMax keeps the first maximum but compares
 * with >, so it never picks a NaN that is not first in its row; the IR makes the first NaN win.
 * On floats the kernel therefore also takes tf.argMax of the NaN mask (its first 1) and uses that
 * index in every row that has a NaN. keepDims is a reshape to the output's shape.
 */
export const argMaxKernel = defineTfKernel({
  op: 'argMax',
  placement: 'logical',
  compile: ({ tf, node, attrs, outputShapes }) => {
    const axis = normalizeAxis(attrs.axis, node.inputs[0]!.shape.length, { node: node.spec.name, op: node.spec.op });
    const shape = [...outputShapes[0]!];
    const ints = node.inputs[0]!.dtype === 'int32';
    return {
      run: ([x]) => {
        const plain = tf.argMax(x!, axis);
        if (ints) return [tf.reshape(plain, shape)];
        const nan = tf.isNaN(x!);
        const firstNaN = tf.argMax(tf.cast(nan, 'int32'), axis);
        return [tf.reshape(tf.where(tf.any(nan, axis), firstNaN, plain), shape)];
      },
    };
  },
});

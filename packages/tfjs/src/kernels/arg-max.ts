import { normalizeAxis } from '@skipconn/core';
import { defineTfKernel } from './kernel';

/**
 * argMax (core ops/arg-max.ts) in logical order. tf.argMax keeps the first maximum but passes
 * over a NaN that is not first in its row; the IR makes the first NaN win.
 * On floats the kernel therefore also takes tf.argMax of the NaN mask (its first 1) and uses that
 * index in every row that has a NaN. The axis is first moved last by a transpose (the other axes
 * keep their order, so the result is already the output's element order): tfjs-webgpu's argMax
 * along another axis gives wrong indices. keepDims is a reshape to the output's shape.
 */
export const argMaxKernel = defineTfKernel({
  op: 'argMax',
  placement: 'logical',
  compile: ({ tf, node, attrs, outputShapes }) => {
    const axis = normalizeAxis(attrs.axis, node.inputs[0]!.shape.length, { node: node.spec.name, op: node.spec.op });
    const shape = [...outputShapes[0]!];
    const rank = node.inputs[0]!.shape.length;
    const ints = node.inputs[0]!.dtype === 'int32';
    const perm = axis === rank - 1 ? undefined : [...Array.from({ length: rank }, (_, i) => i).filter((i) => i !== axis), axis];
    return {
      run: ([input]) => {
        const x = perm === undefined ? input! : tf.transpose(input!, perm);
        const plain = tf.argMax(x, -1);
        if (ints) return [tf.reshape(plain, shape)];
        const nan = tf.isNaN(x);
        const firstNaN = tf.argMax(tf.cast(nan, 'int32'), -1);
        return [tf.reshape(tf.where(tf.any(nan, -1), firstNaN, plain), shape)];
      },
    };
  },
});

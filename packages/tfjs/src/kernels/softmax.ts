import { resolveSoftmaxAxis } from '@skipconn/core';
import { defineTfKernel } from './kernel';
import { physicalAxis } from '../plan/perm';

/**
 * softmax along the resolved logical axis, on its physical axis. Written out as
 * exp(x - max) / sum rather than tf.softmax, which only takes the last axis; the formula also
 * gives the reference's edge cases (an all -Infinity row or a NaN gives NaN).
 */
export const softmaxKernel = defineTfKernel({
  op: 'softmax',
  placement: 'follow',
  compile: ({ tf, node, attrs, outputPerms }) => {
    const ref = { node: node.spec.name, op: node.spec.op };
    const axis = physicalAxis(outputPerms[0]!, resolveSoftmaxAxis(attrs, node.inputs[0]!, ref));
    return {
      run: ([x]) => {
        const e = tf.exp(tf.sub(x!, tf.max(x!, axis, true)));
        return [tf.div(e, tf.sum(e, axis, true))];
      },
    };
  },
});

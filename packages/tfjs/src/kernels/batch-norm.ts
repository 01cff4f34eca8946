import { defineTfKernel } from './kernel';
import { alongAxis, physicalChannelAxis } from './impl/axes';
import type { Tensor } from '../tf';

/**
 * batchNorm (inference): y = (x - mean) * (scale / sqrt(variance + eps)) + bias. x follows the
 * node's storage; the [C] parameters are reshaped (no copy) onto the physical channel axis.
 * Written out rather than tf.batchNorm, whose kernels index the parameters modulo their length,
 * i.e. assume channels are the last physical axis (wrong for NCHW kept in logical order). The
 * per-channel factor costs C elements; the edge cases (variance + eps = 0) match the reference.
 */
export const batchNormKernel = defineTfKernel({
  op: 'batchNorm',
  placement: 'follow',
  inputRole: (i) => (i === 0 ? 'data' : 'param'),
  compile: ({ tf, node, attrs, outputPerms, outputShapes }) => {
    const channels = node.inputs[1]!.shape[0]!;
    const shape = alongAxis(outputShapes[0]!.length, physicalChannelAxis(node.outputs[0]!, outputPerms[0]!), channels);
    const place = (t: Tensor | undefined): Tensor => tf.reshape(t!, shape);
    return {
      run: ([x, scale, bias, mean, variance]) => {
        const factor = tf.div(scale!, tf.sqrt(tf.add(variance!, attrs.epsilon)));
        return [tf.add(tf.mul(tf.sub(x!, place(mean)), place(factor)), place(bias))];
      },
    };
  },
});

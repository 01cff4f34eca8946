import type { BatchNormAttrs } from '@skipconn/core';
import { defineTfKernel } from './kernel';
import { alongAxis, physicalChannelAxis } from './impl/axes';
import type { Tensor } from '../tf';

/**
 * batchNorm (inference) with tf.batchNorm. x follows the node's storage; scale, bias, mean and
 * variance stay [C] and are reshaped (no copy) onto the physical channel axis, which is the last
 * axis for channels-last storage, NC and NTC.
 */
export const batchNormKernel = defineTfKernel<BatchNormAttrs>({
  op: 'batchNorm',
  placement: 'follow',
  inputRole: (i) => (i === 0 ? 'data' : 'param'),
  compile: ({ tf, node, attrs, outputPerms, outputShapes }) => {
    const channels = node.inputs[1]!.shape[0]!;
    const shape = alongAxis(outputShapes[0]!.length, physicalChannelAxis(node.outputs[0]!, outputPerms[0]!), channels);
    const place = (t: Tensor | undefined): Tensor => tf.reshape(t!, shape);
    return {
      run: ([x, scale, bias, mean, variance]) => [tf.batchNorm(x!, place(mean), place(variance), place(bias), place(scale), attrs.epsilon)],
    };
  },
});

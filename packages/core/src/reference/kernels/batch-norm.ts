import { defineKernel, f64 } from '../kernel';
import { channelAxis } from '../../layout';
import { stridesOf } from '../../tensor';

/** y = scale[c] * (x - mean[c]) / sqrt(variance[c] + eps) + bias[c], c the channel coordinate. */
export const batchNormKernel = defineKernel({
  op: 'batchNorm',
  run([x, scale, bias, mean, variance], attrs, node) {
    const axis = channelAxis(node.outputs[0]!.layout!);
    const channels = x!.shape[axis]!;
    const stride = stridesOf(x!.shape)[axis]!;
    const out = f64(x!.shape);
    for (let i = 0; i < out.data.length; i++) {
      const c = Math.floor(i / stride) % channels;
      // The formula as written, not folded into one multiply-add, so it stays the oracle.
      out.data[i] = (scale!.data[c]! * (x!.data[i]! - mean!.data[c]!)) / Math.sqrt(variance!.data[c]! + attrs.epsilon) + bias!.data[c]!;
    }
    return [out];
  },
});

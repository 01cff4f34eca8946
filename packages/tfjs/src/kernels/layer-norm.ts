import { normalizeAxis } from '@skipconn/core';
import { defineTfKernel } from './kernel';

/**
 * layerNorm over logical axes [axis .. rank-1], i.e. the physical axes holding them in the node's
 * storage (channels-last NCHW with axis 1 normalizes physical 1, 2, 3). Biased variance and
 * division by sqrt(var + eps), as the reference. The mean is corrected once (subtract the mean of
 * x - mean), which removes the float32 rounding of the first mean: inputs with a large common
 * offset otherwise lose digits to cancellation (wasm's reductions were 4.6e-5 off on such a row).
 * scale and bias are 'broadcast' inputs: the
 * layout pass expands their logical suffix shape to full rank and stores it like x.
 */
export const layerNormKernel = defineTfKernel({
  op: 'layerNorm',
  placement: 'follow',
  inputRole: (i) => (i === 0 ? 'data' : 'broadcast'),
  compile: ({ tf, node, attrs, outputPerms }) => {
    const ref = { node: node.spec.name, op: node.spec.op };
    const first = normalizeAxis(attrs.axis, node.inputs[0]!.shape.length, ref);
    const axes = outputPerms[0]!.flatMap((logical, physical) => (logical >= first ? [physical] : []));
    return {
      run: ([x, scale, bias]) => {
        const rough = tf.sub(x!, tf.mean(x!, axes, true));
        const centered = tf.sub(rough, tf.mean(rough, axes, true));
        const variance = tf.mean(tf.square(centered), axes, true);
        let y = tf.div(centered, tf.sqrt(tf.add(variance, attrs.epsilon)));
        if (scale !== undefined) y = tf.mul(y, scale);
        if (bias !== undefined) y = tf.add(y, bias);
        return [y];
      },
    };
  },
});

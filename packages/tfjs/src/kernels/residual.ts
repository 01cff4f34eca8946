import { scaleForm, stochasticDepthFactor, type ScaleSpec } from '@skipconn/core';
import { defineTfKernel } from './kernel';
import { applyActivation } from './impl/activation';
import { alongAxis, physicalChannelAxis } from './impl/axes';
import type { Tensor } from '../tf';

/**
 * residual: y = act(alpha * shortcut + beta * sd * body). Shortcut and body follow the node's
 * storage; learned scales stay [] / [1] / [C] and are reshaped here (a reshape copies nothing)
 * onto the physical channel axis. Constant factors of 1 are skipped, which is exact.
 */
export const residualKernel = defineTfKernel({
  op: 'residual',
  placement: 'follow',
  inputRole: (i) => (i < 2 ? 'data' : 'param'),
  compile: ({ tf, node, attrs, outputPerms, outputShapes }) => {
    const out = node.outputs[0]!;
    const rank = outputShapes[0]!.length;
    const ref = { node: node.spec.name, op: node.spec.op };
    const sd = stochasticDepthFactor(attrs.stochasticDepth);
    let next = 2;
    const scale = (spec: ScaleSpec, what: string, extra: number): ((x: Tensor, learned: readonly Tensor[]) => Tensor) => {
      if (spec !== 'learned') {
        const factor = spec * extra;
        return factor === 1 ? (x) => x : (x) => tf.mul(x, factor);
      }
      const index = next++;
      const form = scaleForm(node.inputs[index]!, out, what, ref);
      const shape = form === 'scalar' ? [] : alongAxis(rank, physicalChannelAxis(out, outputPerms[0]!), node.inputs[index]!.shape[0]!);
      return (x, inputs) => {
        const s = tf.reshape(inputs[index]!, shape);
        return tf.mul(x, extra === 1 ? s : tf.mul(s, extra));
      };
    };
    const alpha = scale(attrs.alpha, 'alpha', 1);
    const beta = scale(attrs.beta, 'beta', sd);
    return {
      run: (inputs) => [applyActivation(tf, attrs.activation, tf.add(alpha(inputs[0]!, inputs), beta(inputs[1]!, inputs)))],
    };
  },
});

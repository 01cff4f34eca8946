import { defineKernel, f64 } from '../kernel';
import { activationFn } from '../math';
import { alongAxis, broadcastTo } from '../broadcast';
import { scaleForm, stochasticDepthFactor, type ScaleSpec } from '../../ops/residual';
import { channelAxis } from '../../layout';
import type { F64Tensor } from '../kernel';
import type { ValueInfo } from '../../graph/types';

/** y = act(alpha * shortcut + beta * sdFactor * body), scales broadcast per scalar or per channel. */
export const residualKernel = defineKernel({
  op: 'residual',
  run(inputs, attrs, node) {
    const [shortcut, body, ...learned] = inputs as [F64Tensor, F64Tensor, ...F64Tensor[]];
    const data: ValueInfo = node.outputs[0]!;
    const size = shortcut.data.length;
    let next = 0;
    const expand = (spec: ScaleSpec, what: string): Float64Array => {
      if (spec !== 'learned') return new Float64Array(size).fill(spec);
      const t = learned[next]!;
      const info = node.inputs[2 + next++]!;
      if (scaleForm(info, data, what, { node: node.spec.name, op: 'residual' }) === 'scalar') return new Float64Array(size).fill(t.data[0]!);
      const axis = channelAxis(data.layout!);
      return broadcastTo({ shape: alongAxis(data.shape.length, axis, t.data.length), data: t.data }, data.shape);
    };
    const alpha = expand(attrs.alpha, 'alpha');
    const beta = expand(attrs.beta, 'beta');
    const sd = stochasticDepthFactor(attrs.stochasticDepth);
    const act = activationFn(attrs.activation);
    const out = f64(shortcut.shape);
    for (let i = 0; i < size; i++) out.data[i] = act(alpha[i]! * shortcut.data[i]! + beta[i]! * sd * body.data[i]!);
    return [out];
  },
});

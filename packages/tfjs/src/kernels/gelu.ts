import { defineTfKernel } from './kernel';
import { applyActivation } from './impl/activation';

/** gelu, erf form or tanh approximation, elementwise on any storage. */
export const geluKernel = defineTfKernel({
  op: 'gelu',
  placement: 'follow',
  compile: ({ tf, attrs }) => {
    const kind = attrs.approximate === 'tanh' ? 'gelu_tanh' : 'gelu';
    return { run: ([x]) => [applyActivation(tf, kind, x!)] };
  },
});

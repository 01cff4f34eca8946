import { defineTfKernel } from './kernel';
import { applyActivation } from './impl/activation';

/** tanh, elementwise, on any storage. */
export const tanhKernel = defineTfKernel({
  op: 'tanh',
  placement: 'follow',
  compile: ({ tf }) => ({ run: ([x]) => [applyActivation(tf, 'tanh', x!)] }),
});

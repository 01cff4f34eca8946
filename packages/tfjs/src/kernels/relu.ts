import { defineTfKernel } from './kernel';
import { applyActivation } from './impl/activation';

/** relu, elementwise, on any storage. */
export const reluKernel = defineTfKernel({
  op: 'relu',
  placement: 'follow',
  compile: ({ tf }) => ({ run: ([x]) => [applyActivation(tf, 'relu', x!)] }),
});

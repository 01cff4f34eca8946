import { defineTfKernel } from './kernel';
import { applyActivation } from './impl/activation';

/** sigmoid, elementwise, on any storage. */
export const sigmoidKernel = defineTfKernel({
  op: 'sigmoid',
  placement: 'follow',
  compile: ({ tf }) => ({ run: ([x]) => [applyActivation(tf, 'sigmoid', x!)] }),
});

import { defineTfKernel } from './kernel';
import { applyActivation } from './impl/activation';

/** silu, elementwise, on any storage. */
export const siluKernel = defineTfKernel({
  op: 'silu',
  placement: 'follow',
  compile: ({ tf }) => ({ run: ([x]) => [applyActivation(tf, 'silu', x!)] }),
});

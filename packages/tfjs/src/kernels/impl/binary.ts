/** Shared definition of the elementwise binary kernels (add, sub, mul, div). */
import { defineTfKernel, type TfKernelConfig } from '../kernel';
import type { OpType } from '@skipconn/core';
import type { Tensor, Tf } from '../../tf';

type BinaryFn = (tf: Tf, a: Tensor, b: Tensor) => Tensor;

/**
 * Both operands are 'broadcast' inputs: the layout pass expands them to the output's rank and
 * stores them like the output, so tfjs's NumPy broadcasting lines up the same logical axes.
 */
export function binaryKernel<K extends OpType>(op: K, fn: BinaryFn): TfKernelConfig<K> {
  return defineTfKernel({
    op,
    placement: 'follow',
    inputRole: () => 'broadcast',
    compile: ({ tf }) => ({ run: ([a, b]) => [fn(tf, a!, b!)] }),
  });
}

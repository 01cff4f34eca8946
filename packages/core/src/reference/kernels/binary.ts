/** Elementwise binary kernels with NumPy broadcasting. */
import { defineKernel, f64, type F64Tensor, type ReferenceKernel } from '../kernel';
import { broadcastIndex } from '../broadcast';
import type { OpType } from '../../ops';

export function binaryKernel<K extends OpType>(op: K, fn: (a: number, b: number) => number): ReferenceKernel<K> {
  return defineKernel({
    op,
    run([a, b], _attrs, node) {
      const out = f64(node.outputs[0]!.shape);
      const ia = broadcastIndex(a!.shape, out.shape);
      const ib = broadcastIndex(b!.shape, out.shape);
      for (let i = 0; i < out.data.length; i++) out.data[i] = fn(a!.data[ia[i]!]!, b!.data[ib[i]!]!);
      return [out];
    },
  });
}

export const addKernel = binaryKernel('add', (a, b) => a + b);
export const subKernel = binaryKernel('sub', (a, b) => a - b);
export const mulKernel = binaryKernel('mul', (a, b) => a * b);
export const divKernel = binaryKernel('div', (a, b) => a / b);

export type { F64Tensor };

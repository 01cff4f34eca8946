/**
 * Elementwise binary kernels with NumPy broadcasting. On int32 each result is wrapped to 32 bits
 * (ops/binary.ts): the float64 sum or difference of two int32 values is exact, so `| 0` wraps it;
 * a product can exceed 2^53, so int32 mul is Math.imul, exact for any operands.
 */
import { defineKernel, f64, type F64Tensor, type ReferenceKernel } from '../kernel';
import { broadcastIndex } from '../broadcast';
import { floorDivValue } from '../../ops/floor-div';
import { equalValue } from '../../ops/equal';
import type { OpType } from '../../ops';

type Fn = (a: number, b: number) => number;

export function binaryKernel<K extends OpType>(op: K, fn: Fn, int32Fn: Fn = fn): ReferenceKernel<K> {
  return defineKernel({
    op,
    run([a, b], _attrs, node) {
      const out = f64(node.outputs[0]!.shape);
      const ia = broadcastIndex(a!.shape, out.shape);
      const ib = broadcastIndex(b!.shape, out.shape);
      const f = node.outputs[0]!.dtype === 'int32' ? int32Fn : fn;
      for (let i = 0; i < out.data.length; i++) out.data[i] = f(a!.data[ia[i]!]!, b!.data[ib[i]!]!);
      return [out];
    },
  });
}

export const addKernel = binaryKernel(
  'add',
  (a, b) => a + b,
  (a, b) => (a + b) | 0,
);
export const subKernel = binaryKernel(
  'sub',
  (a, b) => a - b,
  (a, b) => (a - b) | 0,
);
export const mulKernel = binaryKernel('mul', (a, b) => a * b, Math.imul);
export const divKernel = binaryKernel('div', (a, b) => a / b);
export const floorDivKernel = binaryKernel('floorDiv', floorDivValue);
export const equalKernel = binaryKernel('equal', equalValue);

export type { F64Tensor };

/** Elementwise activations. */
import { defineKernel, f64, type ReferenceKernel } from '../kernel';
import { activationFn } from '../math';
import type { GeluAttrs } from '../../ops/gelu';
import { clipValue, type ClipAttrs } from '../../ops/clip';

function unaryKernel<A>(op: string, pick: (attrs: A) => (x: number) => number): ReferenceKernel<A> {
  return defineKernel<A>({
    op,
    run([x], attrs) {
      const fn = pick(attrs);
      const out = f64(x!.shape);
      for (let i = 0; i < out.data.length; i++) out.data[i] = fn(x!.data[i]!);
      return [out];
    },
  });
}

export const reluKernel = unaryKernel('relu', () => activationFn('relu'));
export const sigmoidKernel = unaryKernel('sigmoid', () => activationFn('sigmoid'));
export const tanhKernel = unaryKernel('tanh', () => activationFn('tanh'));
export const siluKernel = unaryKernel('silu', () => activationFn('silu'));
export const geluKernel = unaryKernel<GeluAttrs>('gelu', (a) => activationFn(a.approximate === 'tanh' ? 'gelu_tanh' : 'gelu'));
export const clipKernel = unaryKernel<ClipAttrs>('clip', ({ min, max }) => (x) => clipValue(x, min, max));

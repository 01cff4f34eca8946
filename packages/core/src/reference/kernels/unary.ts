/** Elementwise activations. */
import { defineKernel, f64, type ReferenceKernel } from '../kernel';
import { activationFn } from '../math';
import { clipValue } from '../../ops/clip';
import { hardSigmoidValue } from '../../ops/hard-sigmoid';
import { castValue } from '../../ops/cast';
import { eluValue } from '../../ops/elu';
import type { OpAttrs, OpType } from '../../ops';

function unaryKernel<K extends OpType>(op: K, pick: (attrs: OpAttrs<K>) => (x: number) => number): ReferenceKernel<K> {
  return defineKernel<K>({
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
export const geluKernel = unaryKernel('gelu', (a) => activationFn(a.approximate === 'tanh' ? 'gelu_tanh' : 'gelu'));
export const clipKernel = unaryKernel(
  'clip',
  ({ min, max }) =>
    (x) =>
      clipValue(x, min, max),
);
export const hardSigmoidKernel = unaryKernel(
  'hardSigmoid',
  ({ alpha, beta }) =>
    (x) =>
      hardSigmoidValue(x, alpha, beta),
);
export const castKernel = unaryKernel(
  'cast',
  ({ to }) =>
    (x) =>
      castValue(x, to),
);
export const eluKernel = unaryKernel(
  'elu',
  ({ alpha }) =>
    (x) =>
      eluValue(x, alpha),
);
export const sqrtKernel = unaryKernel('sqrt', () => Math.sqrt);

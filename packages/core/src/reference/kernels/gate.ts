import { defineKernel, f64 } from '../kernel';
import { broadcastIndex } from '../broadcast';

/** y = x * g with g broadcast over the declared axes (validated by the op). */
export const gateKernel = defineKernel({
  op: 'gate',
  run([x, g]) {
    const out = f64(x!.shape);
    const ig = broadcastIndex(g!.shape, x!.shape);
    for (let i = 0; i < out.data.length; i++) out.data[i] = x!.data[i]! * g!.data[ig[i]!]!;
    return [out];
  },
});

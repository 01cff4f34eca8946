import { defineKernel, f64 } from '../kernel';
import { sigmoid } from '../math';

/** y = T*h + C*x, T = sigmoid(t), C = 1 - T or sigmoid(c). */
export const highwayKernel = defineKernel({
  op: 'highway',
  run([x, h, t, c], attrs) {
    const out = f64(x!.shape);
    for (let i = 0; i < out.data.length; i++) {
      const T = sigmoid(t!.data[i]!);
      const C = attrs.carry === 'coupled' ? 1 - T : sigmoid(c!.data[i]!);
      out.data[i] = T * h!.data[i]! + C * x!.data[i]!;
    }
    return [out];
  },
});

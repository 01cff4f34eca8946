import { defineKernel, f64 } from '../kernel';
import { stridesOf } from '../../tensor';
import { resolveSoftmaxAxis } from '../../ops/softmax';

/** Stable softmax along one axis: each (outer, inner) pair is one row of `len` strided elements. */
export const softmaxKernel = defineKernel({
  op: 'softmax',
  run([x], attrs, node) {
    const axis = resolveSoftmaxAxis(attrs, node.inputs[0]!, { node: node.spec.name, op: 'softmax' });
    const len = x!.shape[axis]!;
    const inner = stridesOf(x!.shape)[axis]!;
    let outer = 1;
    for (const d of x!.shape.slice(0, axis)) outer *= d;
    const out = f64(x!.shape);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * len * inner + i;
        // Math.max propagates NaN, so a NaN anywhere in the row makes the row NaN.
        let max = -Infinity;
        for (let j = 0; j < len; j++) max = Math.max(max, x!.data[base + j * inner]!);
        let sum = 0;
        for (let j = 0; j < len; j++) sum += Math.exp(x!.data[base + j * inner]! - max);
        for (let j = 0; j < len; j++) out.data[base + j * inner] = Math.exp(x!.data[base + j * inner]! - max) / sum;
      }
    }
    return [out];
  },
});

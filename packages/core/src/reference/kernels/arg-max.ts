import { defineKernel, f64 } from '../kernel';
import { argMaxOf } from '../../ops/arg-max';
import { normalizeAxis } from '../../ops/shape';
import { sizeOf } from '../../tensor';

/** Each row along the axis is read with the axis stride; the header's rule picks the index. */
export const argMaxKernel = defineKernel({
  op: 'argMax',
  run([x], attrs, node) {
    const axis = normalizeAxis(attrs.axis, x!.shape.length, { node: node.spec.name, op: 'argMax' });
    const n = x!.shape[axis]!;
    const inner = sizeOf(x!.shape.slice(axis + 1));
    const outer = sizeOf(x!.shape.slice(0, axis));
    const out = f64(node.outputs[0]!.shape);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * n * inner + i;
        out.data[o * inner + i] = argMaxOf(n, (k) => x!.data[base + k * inner]!);
      }
    }
    return [out];
  },
});

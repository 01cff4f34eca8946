import { defineKernel, f64 } from '../kernel';
import { stridesOf } from '../../tensor';
import { transposePerm } from '../../ops/transpose';

/** For each output index, output axis a reads input axis perm[a]. */
export const transposeKernel = defineKernel({
  op: 'transpose',
  run([x], attrs, node) {
    const rank = x!.shape.length;
    const perm = transposePerm(attrs, rank, { node: node.spec.name, op: 'transpose' });
    const out = f64(node.outputs[0]!.shape);
    const inStrides = stridesOf(x!.shape);
    const outStrides = stridesOf(out.shape);
    for (let i = 0; i < out.data.length; i++) {
      let rem = i;
      let src = 0;
      for (let a = 0; a < rank; a++) {
        const coord = Math.floor(rem / outStrides[a]!);
        rem -= coord * outStrides[a]!;
        src += coord * inStrides[perm[a]!]!;
      }
      out.data[i] = x!.data[src]!;
    }
    return [out];
  },
});

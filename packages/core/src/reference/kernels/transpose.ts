import { defineKernel, stridedGather } from '../kernel';
import { stridesOf } from '../../tensor';
import { transposePerm } from '../../ops/transpose';

/** For each output index, output axis a reads input axis perm[a]. */
export const transposeKernel = defineKernel({
  op: 'transpose',
  run([x], attrs, node) {
    const perm = transposePerm(attrs, x!.shape.length, { node: node.spec.name, op: 'transpose' });
    const inStrides = stridesOf(x!.shape);
    return [
      stridedGather(
        x!,
        node.outputs[0]!.shape,
        0,
        perm.map((p) => inStrides[p]!),
      ),
    ];
  },
});

import { defineKernel, stridedGather } from '../kernel';
import { stridesOf } from '../../tensor';
import { sliceWindow } from '../../ops/slice';

/** Output index k on axis a reads input index start[a] + k * step[a] (the window core resolved). */
export const sliceKernel = defineKernel({
  op: 'slice',
  run([x], attrs, node) {
    const window = sliceWindow(attrs, x!.shape, { node: node.spec.name, op: 'slice' });
    const inStrides = stridesOf(x!.shape);
    const offset = window.starts.reduce((sum, s, a) => sum + s * inStrides[a]!, 0);
    return [
      stridedGather(
        x!,
        window.sizes,
        offset,
        window.steps.map((step, a) => step * inStrides[a]!),
      ),
    ];
  },
});

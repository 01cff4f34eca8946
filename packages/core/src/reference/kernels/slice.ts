import { defineKernel, f64 } from '../kernel';
import { stridesOf } from '../../tensor';
import { sliceWindow } from '../../ops/slice';

/** Output index k on axis a reads input index start[a] + k * step[a] (the window core resolved). */
export const sliceKernel = defineKernel({
  op: 'slice',
  run([x], attrs, node) {
    const window = sliceWindow(attrs, x!.shape, { node: node.spec.name, op: 'slice' });
    const rank = x!.shape.length;
    const out = f64(window.sizes);
    const inStrides = stridesOf(x!.shape);
    const outStrides = stridesOf(out.shape);
    for (let i = 0; i < out.data.length; i++) {
      let rem = i;
      let src = 0;
      for (let a = 0; a < rank; a++) {
        const k = Math.floor(rem / outStrides[a]!);
        rem -= k * outStrides[a]!;
        src += (window.starts[a]! + k * window.steps[a]!) * inStrides[a]!;
      }
      out.data[i] = x!.data[src]!;
    }
    return [out];
  },
});

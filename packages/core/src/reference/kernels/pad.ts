/** pad reference: each output position reads the input position its mode maps it to, or the constant. */
import { defineKernel, f64 } from '../kernel';
import { imageView } from '../image';
import type { PadMode } from '../../ops/pad';

/** Input index for position p (may be < 0 or >= size) on an axis of `size`, or -1 for the constant. */
export function padSource(p: number, size: number, mode: PadMode): number {
  if (p >= 0 && p < size) return p;
  switch (mode) {
    case 'constant':
      return -1;
    case 'edge':
      return p < 0 ? 0 : size - 1;
    // One mirror suffices: the op checked pad < size, so -p and 2(size-1) - p land inside.
    case 'reflect':
      return p < 0 ? -p : 2 * (size - 1) - p;
  }
}

export const padKernel = defineKernel({
  op: 'pad',
  run([x], attrs, node) {
    const layout = node.inputs[0]!.layout!;
    const out = f64(node.outputs[0]!.shape);
    const X = imageView(x!.shape, layout);
    const Y = imageView(out.shape, layout);
    const [top, left] = attrs.pads;
    for (let n = 0; n < Y.n; n++) {
      for (let c = 0; c < Y.c; c++) {
        for (let i = 0; i < Y.h; i++) {
          const ih = padSource(i - top, X.h, attrs.mode);
          for (let j = 0; j < Y.w; j++) {
            const iw = padSource(j - left, X.w, attrs.mode);
            out.data[Y.at(n, c, i, j)] = ih < 0 || iw < 0 ? attrs.value : x!.data[X.at(n, c, ih, iw)]!;
          }
        }
      }
    }
    return [out];
  },
});

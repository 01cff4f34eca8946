import { defineTfKernel } from './kernel';
import { ceilOverhang } from './impl/window';

/**
 * avgPool2d on channels-last storage: window sums divided by the op's divisor.
 * - The input is zero-padded explicitly (pads plus the ceil-mode overhang), so every window is a
 *   'valid' one and padding contributes 0.
 * - Sums come from tf.depthwiseConv2d with a ones filter, not tf.avgPool: wasm's avgPool
 *   (XNNPACK) returns -Infinity for windows holding NaN or both infinities, where the sum is NaN.
 * - The divisor follows the op's rule per axis (countIncludePad, ceil-mode windows clipped to the
 *   padded input), computed once at compile time: a scalar when uniform, else a [1, oH, oW, 1]
 *   tensor.
 */
export const avgPool2dKernel = defineTfKernel({
  op: 'avgPool2d',
  placement: 'channelsLast',
  compile: ({ tf, attrs, keep, inputShapes, outputShapes }) => {
    const [, h, w, c] = inputShapes[0]! as [number, number, number, number];
    const [, oh, ow] = outputShapes[0]! as [number, number, number, number];
    const { kernel: k, strides: s, pads: p } = attrs;
    const bottom = p[2] + ceilOverhang(h, p[0], p[2], oh, s[0], k[0]);
    const right = p[3] + ceilOverhang(w, p[1], p[3], ow, s[1], k[1]);
    const padded = p[0] + bottom + p[1] + right > 0;
    const rows = divisors(h, k[0], s[0], p[0], p[2], oh, attrs.countIncludePad);
    const cols = divisors(w, k[1], s[1], p[1], p[3], ow, attrs.countIncludePad);
    const grid = new Float32Array(oh * ow);
    rows.forEach((r, i) => cols.forEach((col, j) => (grid[i * ow + j] = r * col)));
    const uniform = grid.every((v) => v === grid[0]);
    const divisor = uniform ? (grid[0] ?? 1) : keep(tf.tensor4d(grid, [1, oh, ow, 1]));
    const ones = keep(tf.ones([k[0], k[1], c, 1]));
    return {
      run: ([x]) => {
        const xp = padded
          ? tf.pad(x!, [
              [0, 0],
              [p[0], bottom],
              [p[1], right],
              [0, 0],
            ])
          : x!;
        const sums = tf.depthwiseConv2d(xp as never, ones as never, [s[0], s[1]], 'valid');
        return [tf.div(sums, divisor)];
      },
    };
  },
});

/** The op's divisor rule on one axis (see core ops/avg-pool2d.ts). */
function divisors(input: number, kernel: number, stride: number, padBegin: number, padEnd: number, out: number, includePad: boolean): number[] {
  return Array.from({ length: out }, (_, o) => {
    const start = o * stride - padBegin;
    return includePad ? Math.min(start + kernel, input + padEnd) - start : Math.min(start + kernel, input) - Math.max(start, 0);
  });
}

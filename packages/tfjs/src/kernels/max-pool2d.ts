import { defineTfKernel } from './kernel';
import { ceilOverhang } from './impl/window';
import type { Tensor } from '../tf';

/**
 * maxPool2d on channels-last storage: the input is padded with -Infinity (pads plus the ceil-mode
 * overhang), then pooled with 'valid' windows: tf.maxPool when dilation is 1, else the maximum
 * of kH*kW strided slices (tf.maxPool has no dilations; tf.pool's do not combine with strides).
 *
 * NaN: the IR propagates it, tfjs does not (cpu's maxPool skips NaN, wasm's returns -Infinity
 * for a window starting with NaN, and wasm's maximum(a, NaN) is a). So the same windows pool a
 * NaN indicator (x != x) and where it is set the output is NaN.
 */
export const maxPool2dKernel = defineTfKernel({
  op: 'maxPool2d',
  placement: 'channelsLast',
  compile: ({ tf, attrs, inputShapes, outputShapes }) => {
    const [n, h, w, c] = inputShapes[0]! as [number, number, number, number];
    const outShape = [...outputShapes[0]!];
    const [, oh, ow] = outShape as [number, number, number, number];
    const { kernel: k, strides: s, pads: p, dilations: d } = attrs;
    const bottom = p[2] + ceilOverhang(h, p[0], p[2], oh, s[0], (k[0] - 1) * d[0] + 1);
    const right = p[3] + ceilOverhang(w, p[1], p[3], ow, s[1], (k[1] - 1) * d[1] + 1);
    const padded = p[0] + bottom + p[1] + right > 0;
    const pool = (x: Tensor): Tensor => {
      if (d[0] === 1 && d[1] === 1) return tf.maxPool(x as never, [k[0], k[1]], [s[0], s[1]], 'valid');
      let y: Tensor | undefined;
      for (let i = 0; i < k[0]; i++) {
        for (let j = 0; j < k[1]; j++) {
          const begin = [0, i * d[0], j * d[1], 0];
          const end = [n, i * d[0] + (oh - 1) * s[0] + 1, j * d[1] + (ow - 1) * s[1] + 1, c];
          const tap = tf.stridedSlice(x, begin, end, [1, s[0], s[1], 1]);
          y = y === undefined ? tap : tf.maximum(y, tap);
        }
      }
      return y!;
    };
    return {
      run: ([x]) => {
        const xp = padded
          ? tf.pad(
              x!,
              [
                [0, 0],
                [p[0], bottom],
                [p[1], right],
                [0, 0],
              ],
              -Infinity,
            )
          : x!;
        const hasNaN = tf.greater(pool(tf.cast(tf.notEqual(xp, xp), 'float32')), 0);
        return [tf.where(hasNaN, tf.fill(outShape, NaN), pool(xp))];
      },
    };
  },
});

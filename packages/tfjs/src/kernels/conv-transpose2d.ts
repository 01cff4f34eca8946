import { defineTfKernel } from './kernel';
import { sizeOf } from '@skipconn/core';
import type { Tensor, Tf } from '../tf';

/**
 * convTranspose2d on channels-last storage, exact for every attribute combination:
 * 1. filters: w [I, O/g, kH, kW] -> per group [kH, kW, O/g, I/g] (tfjs conv2dTranspose order);
 *    dilation is folded into the filter by interleaving zeros (tfjs conv2dTranspose has no
 *    dilations), so a tap multiplies x by 0 where the reference skips it: an Infinity in x turns
 *    into NaN there;
 * 2. tf.conv2dTranspose with 'valid' padding gives the full output ((in-1)*s + dilated k);
 * 3. pads crop it and outputPadding extends it with zeros at the bottom/right (one slice, plus a
 *    pad when outputPadding reaches past the full output);
 * 4. groups split x and w and concatenate the outputs; the bias is added last.
 */
export const convTranspose2dKernel = defineTfKernel({
  op: 'convTranspose2d',
  placement: 'channelsLast',
  compile: ({ tf, attrs, constant, keep, inputShapes, outputShapes }) => {
    const g = attrs.groups;
    const [n, h, w] = inputShapes[0]! as [number, number, number, number];
    const outShape = [...outputShapes[0]!];
    const prepare = (weight: Tensor): Tensor[] => (g === 1 ? [weight] : tf.split(weight, g, 0)).map((part) => dilate(tf, tf.transpose(part, [2, 3, 1, 0]), attrs.dilations));
    const weight = constant(1);
    const filters = weight === undefined ? undefined : prepare(weight).map((f) => keep(f));
    const { strides: s, pads: p } = attrs;
    const empty = sizeOf(inputShapes[0]!) === 0;
    return {
      folded: filters === undefined ? [] : [1],
      run: ([x, wIn, b]) => {
        let y: Tensor;
        if (empty) {
          y = tf.zeros(outShape);
        } else {
          const fs = filters ?? prepare(wIn!);
          const [kh, kw, groupOut] = fs[0]!.shape as [number, number, number, number];
          const full: [number, number] = [(h - 1) * s[0] + kh, (w - 1) * s[1] + kw];
          const convT = (part: Tensor, f: Tensor): Tensor => tf.conv2dTranspose(part as never, f as never, [n, full[0], full[1], groupOut], [s[0], s[1]], 'valid');
          y =
            fs.length === 1
              ? convT(x!, fs[0]!)
              : tf.concat(
                  tf.split(x!, g, 3).map((part, i) => convT(part, fs[i]!)),
                  3,
                );
          const rows = outShape[1]!;
          const cols = outShape[2]!;
          const extra: [number, number] = [Math.max(0, p[0] + rows - full[0]), Math.max(0, p[1] + cols - full[1])];
          if (extra[0] > 0 || extra[1] > 0)
            y = tf.pad(y, [
              [0, 0],
              [0, extra[0]],
              [0, extra[1]],
              [0, 0],
            ]);
          y = tf.slice(y, [0, p[0], p[1], 0], [n, rows, cols, outShape[3]!]);
        }
        return [b === undefined ? y : tf.add(y, b)];
      },
    };
  },
});

/**
 * Inserts dilation-1 zero rows/columns between the taps of a [kH, kW, o, i] filter. Every step
 * stays at rank 4 or below: tfjs's GPU backends mishandled the rank-5 reshape, pad and slice used
 * otherwise (WebGL fails to compile the shader, WebGPU returns zeros).
 */
function dilate(tf: Tf, f: Tensor, dilations: readonly [number, number]): Tensor {
  const [kh, kw, o, i] = f.shape as [number, number, number, number];
  const [dh, dw] = dilations;
  let out = f;
  if (dh > 1 && kh > 1) {
    // [kH, 1, kW*o*i] -> pad the middle axis to dh -> rows of taps followed by dh-1 zero rows.
    const rows = tf.pad(tf.reshape(out, [kh, 1, kw * o * i]), [
      [0, 0],
      [0, dh - 1],
      [0, 0],
    ]);
    out = tf.slice(tf.reshape(rows, [kh * dh, kw, o, i]), [0, 0, 0, 0], [(kh - 1) * dh + 1, kw, o, i]);
  }
  const rowsNow = out.shape[0]!;
  if (dw > 1 && kw > 1) {
    const cols = tf.pad(tf.reshape(out, [rowsNow, kw, 1, o * i]), [
      [0, 0],
      [0, 0],
      [0, dw - 1],
      [0, 0],
    ]);
    out = tf.slice(tf.reshape(cols, [rowsNow, kw * dw, o, i]), [0, 0, 0, 0], [rowsNow, (kw - 1) * dw + 1, o, i]);
  }
  return out;
}

import { defineTfKernel } from './kernel';
import { explicitPadding, needsStrideSplit, subsample } from './impl/window';
import { sizeOf } from '@skipconn/core';
import type { Tensor } from '../tf';

/**
 * conv2d on channels-last storage. The IR weight [O, I/g, kH, kW] becomes tfjs filters once at
 * compile time (when it is a weight):
 * - groups 1: tf.conv2d with [kH, kW, I, O];
 * - groups = I (depthwise, any channel multiplier m = O/I): tf.depthwiseConv2d with
 *   [kH, kW, I, m]; output channel c*m + k is PyTorch's channel order too;
 * - other groups: tfjs has no grouped conv2d, so x and w are split per group, convolved and
 *   concatenated on the channel axis.
 * Pads are tfjs explicit padding (asymmetric pads work). An input with no elements (no input
 * channels, or an empty spatial axis made non-empty by pads) convolves to b (or 0).
 */
export const conv2dKernel = defineTfKernel({
  op: 'conv2d',
  placement: 'channelsLast',
  compile: ({ tf, node, attrs, constant, keep, inputShapes, outputShapes }) => {
    const [outChannels, perGroup] = node.inputs[1]!.shape as [number, number];
    const g = attrs.groups;
    const depthwise = g > 1 && perGroup === 1;
    const prepare = (w: Tensor): Tensor[] => {
      if (g === 1) return [tf.transpose(w, [2, 3, 1, 0])];
      if (depthwise) {
        const [, , kh, kw] = w.shape as [number, number, number, number];
        return [tf.transpose(tf.reshape(w, [g, outChannels / g, kh, kw]), [2, 3, 0, 1])];
      }
      return tf.split(w, g, 0).map((part) => tf.transpose(part, [2, 3, 1, 0]));
    };
    const w = constant(1);
    const filters = w === undefined ? undefined : prepare(w).map((f) => keep(f));
    const split = needsStrideSplit(attrs.strides, attrs.dilations);
    const strides: [number, number] = split ? [1, 1] : [attrs.strides[0], attrs.strides[1]];
    const dilations: [number, number] = [attrs.dilations[0], attrs.dilations[1]];
    const pad = explicitPadding(attrs.pads);
    const empty = sizeOf(inputShapes[0]!) === 0;
    const outShape = [...outputShapes[0]!];
    const conv = (x: Tensor, f: Tensor): Tensor => (depthwise ? tf.depthwiseConv2d(x as never, f as never, strides, pad, 'NHWC', dilations) : tf.conv2d(x as never, f as never, strides, pad, 'NHWC', dilations));
    return {
      folded: filters === undefined ? [] : [1],
      run: ([x, wIn, b]) => {
        let y: Tensor;
        if (empty) {
          y = tf.zeros(outShape);
        } else {
          const fs = filters ?? prepare(wIn!);
          y =
            fs.length === 1
              ? conv(x!, fs[0]!)
              : tf.concat(
                  tf.split(x!, g, 3).map((part, i) => conv(part, fs[i]!)),
                  3,
                );
          if (split) y = subsample(tf, y, attrs.strides);
        }
        return [b === undefined ? y : tf.add(y, b)];
      },
    };
  },
});

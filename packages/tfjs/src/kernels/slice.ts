import { sizeOf, sliceWindow } from '@skipconn/core';
import { defineTfKernel } from './kernel';
import { physicalShape } from '../plan/perm';

/**
 * slice in any storage: core's resolved window is permuted like the data. Unit strides are one
 * tf.slice; other strides one tf.stridedSlice over positive strides (begin and end inside the axis,
 * so none of its masks or negative-index rules apply), then tf.reverse on the axes that walk
 * backwards. An empty result is tf.zeros of the output shape (nothing is read).
 */
export const sliceKernel = defineTfKernel({
  op: 'slice',
  placement: 'follow',
  compile: ({ tf, node, attrs, inputPerms, outputShapes }) => {
    const perm = inputPerms[0]!;
    const window = sliceWindow(attrs, node.inputs[0]!.shape, { node: node.spec.name, op: 'slice' });
    const outShape = [...outputShapes[0]!];
    if (sizeOf(outShape) === 0) return { run: ([x]) => [tf.zeros(outShape, x!.dtype)] };
    // Per logical axis: the lowest index read and the positive stride between reads.
    const lows = window.starts.map((s, a) => (window.steps[a]! > 0 ? s : s + (window.sizes[a]! - 1) * window.steps[a]!));
    const strides = window.steps.map(Math.abs);
    const [begin, size, stride] = [physicalShape(lows, perm), physicalShape(window.sizes, perm), physicalShape(strides, perm)];
    const reversed = physicalShape(window.steps, perm).flatMap((s, i) => (s < 0 && size[i]! > 1 ? [i] : []));
    const end = begin.map((b, i) => b + (size[i]! - 1) * stride[i]! + 1);
    const unit = stride.every((s) => s === 1);
    return {
      run: ([x]) => {
        const y = unit ? tf.slice(x!, begin, size) : tf.stridedSlice(x!, begin, end, stride);
        return [reversed.length === 0 ? y : tf.reverse(y, reversed)];
      },
    };
  },
});

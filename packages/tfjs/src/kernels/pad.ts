import { defineTfKernel } from './kernel';
import { sizeOf } from '@skipconn/core';
import { physicalSpatialAxes, spatialSizeOf } from './impl/axes';
import type { Tensor } from '../tf';

/**
 * pad on the physical H and W axes of any storage. constant: tf.pad (an empty input gives a
 * tensor filled with the value). reflect and edge: tf.gather with index tables built once at
 * compile time, exactly the op's index rules (tfjs has no edge mode, and one mechanism serves both).
 */
export const padKernel = defineTfKernel({
  op: 'pad',
  placement: 'follow',
  compile: ({ tf, node, attrs, keep, inputPerms, inputShapes, outputShapes }) => {
    const x = node.inputs[0]!;
    const [axisH, axisW] = physicalSpatialAxes(x, inputPerms[0]!);
    const [h, w] = spatialSizeOf(x);
    const [top, left, bottom, right] = attrs.pads;
    const outShape = [...outputShapes[0]!];
    if (attrs.mode === 'constant') {
      const paddings = inputShapes[0]!.map((_, a): [number, number] => (a === axisH ? [top, bottom] : a === axisW ? [left, right] : [0, 0]));
      const empty = sizeOf(inputShapes[0]!) === 0;
      return { run: ([v]) => [empty ? tf.fill(outShape, attrs.value) : tf.pad(v!, paddings, attrs.value)] };
    }
    const index = (n: number, before: number, after: number): Int32Array =>
      Int32Array.from({ length: n + before + after }, (_, o) => {
        const p = o - before;
        if (attrs.mode === 'edge') return Math.min(Math.max(p, 0), n - 1);
        return p < 0 ? -p : p >= n ? 2 * (n - 1) - p : p;
      });
    const rows = top + bottom > 0 ? keep(tf.tensor1d(index(h, top, bottom), 'int32')) : undefined;
    const cols = left + right > 0 ? keep(tf.tensor1d(index(w, left, right), 'int32')) : undefined;
    return {
      run: ([v]) => {
        let y: Tensor = v!;
        if (rows !== undefined) y = tf.gather(y, rows, axisH);
        if (cols !== undefined) y = tf.gather(y, cols, axisW);
        return [rows === undefined && cols === undefined ? tf.reshape(y, outShape) : y];
      },
    };
  },
});

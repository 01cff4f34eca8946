import { resizeAxisTable, resizeScales } from '@skipconn/core';
import { defineTfKernel } from './kernel';
import { alongAxis, physicalSpatialAxes, spatialSizeOf } from './impl/axes';
import type { Tensor } from '../tf';

/**
 * resize with per-axis index tables computed once at compile time and tf.gather, on any storage.
 * Not tf.image.resizeBilinear / resizeNearestNeighbor: their half-pixel mode extrapolates below
 * index 0 where ONNX clamps, and they cannot express nearestMode or 'asymmetric' with
 * a given scale that is not out/in; tables express every coordinateTransform x nearestMode of
 * the IR exactly. Bilinear interpolates along W, then H, with the reference's weights.
 */
export const resizeKernel = defineTfKernel({
  op: 'resize',
  placement: 'follow',
  compile: ({ tf, node, attrs, keep, inputPerms, outputShapes }) => {
    const x = node.inputs[0]!;
    const out = node.outputs[0]!;
    const rank = outputShapes[0]!.length;
    const [axisH, axisW] = physicalSpatialAxes(x, inputPerms[0]!);
    const input = spatialSizeOf(x);
    const output = spatialSizeOf(out);
    const [scaleH, scaleW] = resizeScales(attrs, input, output);
    const table = (axis: number, scale: number, inLen: number, outLen: number) => {
      const t = resizeAxisTable(attrs, scale, inLen, outLen);
      return {
        lo: keep(tf.tensor1d(t.lo, 'int32')),
        hi: keep(tf.tensor1d(t.hi, 'int32')),
        w1: keep(tf.tensor(Float32Array.from(t.t), alongAxis(rank, axis, outLen))),
        w0: keep(
          tf.tensor(
            Float32Array.from(t.t, (v) => 1 - v),
            alongAxis(rank, axis, outLen),
          ),
        ),
      };
    };
    const rows = table(axisH, scaleH, input[0], output[0]);
    const cols = table(axisW, scaleW, input[1], output[1]);
    const lerp = (v: Tensor, tb: typeof rows, axis: number): Tensor => tf.add(tf.mul(tf.gather(v, tb.lo, axis), tb.w0), tf.mul(tf.gather(v, tb.hi, axis), tb.w1));
    return {
      run: ([v]) => [attrs.mode === 'nearest' ? tf.gather(tf.gather(v!, rows.lo, axisH), cols.lo, axisW) : lerp(lerp(v!, cols, axisW), rows, axisH)],
    };
  },
});

/** Shared helpers of the sliding-window kernels (conv, pooling), all on NHWC physical tensors. */
import type { Tensor, Tf } from '../../tf';

export type Pads = readonly [number, number, number, number];

/** tfjs explicit padding for NHWC from IR pads [top, left, bottom, right]. */
export function explicitPadding(pads: Pads): [[number, number], [number, number], [number, number], [number, number]] {
  return [
    [0, 0],
    [pads[0], pads[2]],
    [pads[1], pads[3]],
    [0, 0],
  ];
}

/**
 * tfjs refuses strides > 1 together with dilations > 1 ("either strides or dilations must be 1").
 * Then the kernel runs with stride 1 and this keeps every stride-th row and column, which gives
 * exactly the strided output: ceil(full / s) = floor((full - 1) / s) + 1 positions.
 */
export function needsStrideSplit(strides: readonly [number, number], dilations: readonly [number, number]): boolean {
  return (strides[0] > 1 || strides[1] > 1) && (dilations[0] > 1 || dilations[1] > 1);
}

export function subsample(tf: Tf, y: Tensor, strides: readonly [number, number]): Tensor {
  return tf.stridedSlice(y, [0, 0, 0, 0], [...y.shape], [1, strides[0], strides[1], 1]);
}

/**
 * Extra rows/columns past the end padding that the last window of a ceil-mode pool reaches, so
 * that 'valid' windows on the padded tensor cover every output position.
 */
export function ceilOverhang(input: number, padBegin: number, padEnd: number, out: number, stride: number, effectiveKernel: number): number {
  return Math.max(0, (out - 1) * stride + effectiveKernel - (input + padBegin + padEnd));
}

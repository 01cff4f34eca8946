/**
 * imageView lets every image kernel index (n, c, h, w) the same way in NCHW and NHWC.
 */
import { layoutAxes, type Layout } from '../layout';
import { stridesOf } from '../tensor';

/** Sizes of an image tensor and the flat offset of (n, c, h, w) in its layout. */
export interface ImageView {
  readonly n: number;
  readonly c: number;
  readonly h: number;
  readonly w: number;
  at(n: number, c: number, h: number, w: number): number;
}

export function imageView(shape: readonly number[], layout: Layout): ImageView {
  const axes = layoutAxes(layout);
  const [hAxis, wAxis] = axes.spatial as [number, number];
  const strides = stridesOf(shape);
  const sn = strides[axes.batch]!;
  const sc = strides[axes.channels]!;
  const sh = strides[hAxis]!;
  const sw = strides[wAxis]!;
  return {
    n: shape[axes.batch]!,
    c: shape[axes.channels]!,
    h: shape[hAxis]!,
    w: shape[wAxis]!,
    at: (n, c, h, w) => n * sn + c * sc + h * sh + w * sw,
  };
}

/**
 * concat: y = concat(inputs..., channel axis of the layout). N >= 2 inputs (DenseNet joins every
 * earlier feature map). With crop 'center', every input but the last is center-cropped to the
 * last input's spatial size first (the original U-Net, whose valid convolutions shrink the decoder
 * path): offset = floor((H_in - H_out) / 2), likewise for W. Without crop, all non-channel
 * dimensions must be equal.
 */
import { GraphError } from '../errors';
import { formatShape } from '../tensor';
import { channelAxis, layoutAxes } from '../layout';
import type { ValueInfo } from '../graph/types';
import { defineOp } from './op';
import { readEnum, rejectUnknownAttrs } from './attrs';
import { requireLayout, requireSameDType } from './shape';

export const CONCAT = 'concat';

export interface ConcatAttrs {
  readonly crop: 'none' | 'center';
}

/** Start offsets of the center crop of `from` to `to` along each axis (0 where sizes match). */
export function centerCropOffsets(from: readonly number[], to: readonly number[]): number[] {
  return from.map((d, i) => Math.floor((d - (to[i] ?? d)) / 2));
}

export const concat = defineOp<ConcatAttrs, typeof CONCAT>({
  type: CONCAT,
  category: 'merge',
  summary: 'y = concat(inputs..., channel axis); DenseNet and U-Net skips, optional center crop',
  inputNames: ['inputs...'],
  minInputs: 2,
  maxInputs: Infinity,
  parseAttrs(raw, ref) {
    rejectUnknownAttrs(raw, ['crop'], ref);
    return { crop: readEnum(raw, 'crop', ['none', 'center'] as const, 'none', ref) };
  },
  inferShape(inputs, attrs, ref) {
    const last = inputs[inputs.length - 1]!;
    const layout = requireLayout(last, `input ${inputs.length - 1}`, ref);
    requireSameDType(inputs, ref);
    const axes = layoutAxes(layout);
    const c = channelAxis(layout);
    if (attrs.crop === 'center' && axes.spatial.length === 0) {
      throw new GraphError('ATTRIBUTE_INVALID', ref, "crop 'center' needs spatial axes", {
        expected: 'layout NCHW or NHWC',
        received: `layout ${layout}`,
      });
    }
    let channels = 0;
    inputs.forEach((info, i) => {
      if (info.layout !== layout) {
        throw new GraphError('SHAPE_MISMATCH', ref, `input ${i} has a different layout`, {
          expected: `layout ${layout} (all concat inputs share one layout, so the channel axis is one axis)`,
          received: info.layout === undefined ? 'no layout' : `layout ${info.layout}`,
        });
      }
      if (info.shape.length !== last.shape.length) {
        throw new GraphError('SHAPE_MISMATCH', ref, `input ${i} has the wrong rank`, {
          expected: `rank ${last.shape.length}`,
          received: formatShape(info.shape),
        });
      }
      info.shape.forEach((d, axis) => {
        if (axis === c) return;
        const want = last.shape[axis]!;
        const cropped = attrs.crop === 'center' && axes.spatial.includes(axis);
        if (cropped ? d < want : d !== want) {
          throw new GraphError('SHAPE_MISMATCH', ref, `input ${i} does not match on axis ${axis}`, {
            expected: cropped ? `spatial size >= ${want} (center crop to the last input)` : `${formatShape(last.shape.map((x, k) => (k === c ? info.shape[c]! : x)))} (all dims but channels equal to the last input)`,
            received: formatShape(info.shape),
            hint: cropped || axes.spatial.length === 0 ? undefined : "Spatial sizes differ; use crop 'center' (U-Net) or resize one path",
          });
        }
      });
      channels += info.shape[c]!;
    });
    const shape = [...last.shape];
    shape[c] = channels;
    return [{ dtype: last.dtype, shape, layout } satisfies ValueInfo];
  },
});

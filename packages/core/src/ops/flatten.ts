/**
 * flatten (ONNX Flatten): x -> [prod(shape[0:axis]), prod(shape[axis:])], row-major order kept.
 *
 * Attrs: axis (default 1), in [-rank, rank]; negative counts from the end. axis 0 gives
 * [1, size] and axis rank gives [size, 1].
 * Layout: 'NC' when axis is 1 and x has a layout (the batch axis stays first), else none.
 *
 * Porting note: flattening NCHW and NHWC gives different element orders (C-major vs
 * channel-interleaved), so a dense layer after flatten has its weight columns in a different
 * order in a PyTorch (NCHW) and a Keras (NHWC) model. A port must permute those columns once.
 */
import { GraphError } from '../errors';
import { sizeOf } from '../tensor';
import type { ValueInfo } from '../graph/types';
import { defineOp } from './op';
import { readInt, rejectUnknownAttrs } from './attrs';

export const FLATTEN = 'flatten';

export interface FlattenAttrs {
  /** As written; may be negative. */
  readonly axis: number;
}

export const flatten = defineOp<FlattenAttrs, typeof FLATTEN>({
  type: FLATTEN,
  category: 'shape',
  summary: 'y = x as [prod(dims before axis), prod(dims from axis)] (ONNX Flatten)',
  inputNames: ['x'],
  minInputs: 1,
  maxInputs: 1,
  parseAttrs(raw, ref) {
    rejectUnknownAttrs(raw, ['axis'], ref);
    return { axis: readInt(raw, 'axis', 1, ref) };
  },
  inferShape(inputs, attrs, ref) {
    const x = inputs[0]!;
    const rank = x.shape.length;
    // Unlike most axes, rank itself is allowed here (ONNX): everything goes to the first dim.
    const axis = attrs.axis < 0 ? attrs.axis + rank : attrs.axis;
    if (axis < 0 || axis > rank) {
      throw new GraphError('ATTRIBUTE_INVALID', ref, 'axis out of range', { expected: `an axis in [${-rank}, ${rank}]`, received: String(attrs.axis) });
    }
    const shape = [sizeOf(x.shape.slice(0, axis)), sizeOf(x.shape.slice(axis))];
    return [{ dtype: x.dtype, shape, layout: axis === 1 && x.layout !== undefined ? 'NC' : undefined } satisfies ValueInfo];
  },
});

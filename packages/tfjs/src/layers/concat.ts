/**
 * SkipConcat: the IR's `concat` merge as a tfjs layer. Joins N inputs on the channel axis
 * (default -1, channels last), optionally center-cropping every input but the last to the last
 * input's spatial size first (the original U-Net): offset floor((in - out) / 2) on each axis but
 * the batch and channel axes. Without crop, all other dimensions must match.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { SkipconnError } from '@skipconn/core';
import { fail, formatDims, resolveAxis, shapeList } from './common';

type LayerArgs = ConstructorParameters<typeof tfl.layers.Layer>[0];

export interface SkipConcatArgs extends NonNullable<LayerArgs> {
  /** The channel axis (default -1). */
  readonly axis?: number;
  readonly crop?: 'none' | 'center';
}

export class SkipConcat extends tfl.layers.Layer {
  static readonly className = 'SkipconnConcat';
  readonly axis: number;
  readonly crop: 'none' | 'center';

  constructor(args: SkipConcatArgs = {}) {
    super(args);
    this.axis = args.axis ?? -1;
    this.crop = args.crop ?? 'none';
    if (this.crop !== 'none' && this.crop !== 'center') {
      throw new SkipconnError('ATTRIBUTE_INVALID', `layer '${this.name}': crop is invalid: expected 'none' or 'center', received ${JSON.stringify(this.crop)}`);
    }
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shapes = shapeList(inputShape);
    if (shapes.length < 2) fail(this.name, 'wrong number of inputs', 'at least 2', String(shapes.length));
    const last = shapes[shapes.length - 1]!;
    const axis = resolveAxis(this.axis, last.length, this.name);
    let channels: number | null = 0;
    shapes.forEach((s, i) => {
      if (s.length !== last.length) fail(this.name, `input ${i} has the wrong rank`, `rank ${last.length}`, formatDims(s));
      s.forEach((d, a) => {
        if (a === 0 || a === axis || d === null || last[a] === null) return;
        if (this.crop === 'center' ? d < last[a]! : d !== last[a]) {
          fail(this.name, `input ${i} does not match on axis ${a}`, this.crop === 'center' ? `size >= ${last[a]} (center crop to the last input)` : `size ${last[a]} (use crop 'center' for U-Net skips)`, formatDims(s));
        }
      });
      channels = channels === null || s[axis] === null ? null : channels + s[axis]!;
    });
    const out = [...last];
    out[axis] = channels;
    return out;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Record<string, unknown>): tf.Tensor {
    return tf.tidy(() => {
      const list = inputs as tf.Tensor[];
      const last = list[list.length - 1]!;
      const axis = resolveAxis(this.axis, last.rank, this.name);
      const parts = list.map((x) => {
        if (this.crop !== 'center') return x;
        const size = x.shape.map((d, a) => (a === 0 || a === axis ? d : last.shape[a]!));
        if (size.every((d, a) => d === x.shape[a])) return x;
        return tf.slice(
          x,
          x.shape.map((d, a) => Math.floor((d - size[a]!) / 2)),
          size,
        );
      });
      return tf.concat(parts, axis);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), axis: this.axis, crop: this.crop };
  }
}

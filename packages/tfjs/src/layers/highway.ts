/**
 * SkipHighway: the IR's `highway` merge as a tfjs layer: y = T * h + C * x with
 * T = sigmoid(transformLogits); C = 1 - T (coupled, inputs [x, h, t]) or sigmoid(carryLogits)
 * (separate, inputs [x, h, t, c]). All inputs have one shape.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { SkipconnError } from '@skipconn/core';
import { fail, formatDims, shapeList } from './common';

type LayerArgs = ConstructorParameters<typeof tfl.layers.Layer>[0];

export interface SkipHighwayArgs extends NonNullable<LayerArgs> {
  readonly carry?: 'coupled' | 'separate';
}

export class SkipHighway extends tfl.layers.Layer {
  static readonly className = 'SkipconnHighway';
  readonly carry: 'coupled' | 'separate';

  constructor(args: SkipHighwayArgs = {}) {
    super(args);
    this.carry = args.carry ?? 'coupled';
    if (this.carry !== 'coupled' && this.carry !== 'separate') {
      throw new SkipconnError('ATTRIBUTE_INVALID', `layer '${this.name}': carry is invalid: expected 'coupled' or 'separate', received ${JSON.stringify(this.carry)}`);
    }
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shapes = shapeList(inputShape);
    const wanted = this.carry === 'coupled' ? 3 : 4;
    if (shapes.length !== wanted) fail(this.name, `carry '${this.carry}' takes ${wanted} inputs`, this.carry === 'coupled' ? '[x, h, t]' : '[x, h, t, c]', `${shapes.length} inputs`);
    const x = shapes[0]!;
    shapes.forEach((s, i) => {
      if (s.length !== x.length || s.some((d, a) => d !== null && x[a] !== null && d !== x[a])) fail(this.name, `input ${i} must have the shape of x`, formatDims(x), formatDims(s));
    });
    return x;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Record<string, unknown>): tf.Tensor {
    return tf.tidy(() => {
      const [x, h, t, c] = inputs as tf.Tensor[];
      const T = tf.sigmoid(t!);
      const C = this.carry === 'coupled' ? tf.sub(1, T) : tf.sigmoid(c!);
      return tf.add(tf.mul(T, h!), tf.mul(C, x!));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), carry: this.carry };
  }
}

/**
 * SkipGate: the IR's `gate` merge as a tfjs layer: y = x * g, where g may be 1 only on the
 * declared broadcast axes (squeeze-and-excitation in NHWC: g [N, 1, 1, C], broadcastAxes [1, 2]).
 * Any other mismatch is an error when the model is built, because silently broadcasting the wrong
 * axis is the classic layout bug when porting.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { fail, formatDims, resolveAxis, shapeList } from './common';

type LayerArgs = ConstructorParameters<typeof tfl.layers.Layer>[0];

export interface SkipGateArgs extends NonNullable<LayerArgs> {
  /** Axes (batch axis is 0) over which g is broadcast; default none. */
  readonly broadcastAxes?: readonly number[];
}

export class SkipGate extends tfl.layers.Layer {
  static readonly className = 'SkipconnGate';
  readonly broadcastAxes: readonly number[];

  constructor(args: SkipGateArgs = {}) {
    super(args);
    this.broadcastAxes = [...(args.broadcastAxes ?? [])];
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shapes = shapeList(inputShape);
    if (shapes.length !== 2) fail(this.name, 'wrong number of inputs', '2 ([x, g])', String(shapes.length));
    const [x, g] = shapes as [tfl.Shape, tfl.Shape];
    const axes = new Set(this.broadcastAxes.map((a) => resolveAxis(a, x.length, this.name)));
    const ok = g.length === x.length && g.every((d, a) => d === null || x[a] === null || d === x[a] || (axes.has(a) && d === 1));
    if (!ok) {
      const want = x.map((d, a) => (axes.has(a) ? 1 : d));
      fail(this.name, 'gate shape broadcasts over undeclared axes', `g ${formatDims(want)} for x ${formatDims(x)} with broadcastAxes [${this.broadcastAxes.join(', ')}]`, `g ${formatDims(g)}`);
    }
    return x;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Record<string, unknown>): tf.Tensor {
    const [x, g] = inputs as tf.Tensor[];
    return tf.mul(x!, g!);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), broadcastAxes: [...this.broadcastAxes] };
  }
}

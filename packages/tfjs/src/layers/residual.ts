/**
 * SkipResidual: y = act(alpha * shortcut + beta * body), the IR's `residual` merge as a
 * trainable, serializable tfjs layer. alpha and beta are 1, a constant, or learned ('learned'):
 * a scalar or one value per channel (LayerScale), initialized from alphaInit / betaInit (ReZero:
 * beta learned scalar, betaInit 0).
 *
 * Stochastic depth: in training, each sample's body is kept with probability survivalProb
 * ('scale-at-train', timm DropPath, divides kept bodies by survivalProb); at inference,
 * 'scale-at-train' passes the body unscaled and 'scale-at-test' (Huang et al. 2016) multiplies it
 * by survivalProb. These are the IR's inference numbers, so a port keeps them.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ACTIVATION_KINDS, SkipconnError, type ActivationKind, type ScaleSpec, type StochasticDepth } from '@skipconn/core';
import { applyActivation } from '../kernels/impl/activation';
import { fail, formatDims, resolveAxis, shapeList } from './common';

type LayerArgs = ConstructorParameters<typeof tfl.layers.Layer>[0];

export interface SkipResidualArgs extends NonNullable<LayerArgs> {
  readonly alpha?: ScaleSpec;
  readonly beta?: ScaleSpec;
  /** Form of learned scales: one scalar (default) or one value per channel. */
  readonly scaleShape?: 'scalar' | 'channel';
  /** Initial value of a learned alpha (default 1). */
  readonly alphaInit?: number;
  /** Initial value of a learned beta (default 1; ReZero uses 0, LayerScale a small value such as 1e-5). */
  readonly betaInit?: number;
  readonly activation?: ActivationKind;
  readonly stochasticDepth?: StochasticDepth;
  /** Channel axis for per-channel scales (default -1: channels last, as tfjs layers are). */
  readonly channelAxis?: number;
}

export class SkipResidual extends tfl.layers.Layer {
  static readonly className = 'SkipconnResidual';
  readonly alpha: ScaleSpec;
  readonly beta: ScaleSpec;
  readonly scaleShape: 'scalar' | 'channel';
  readonly alphaInit: number;
  readonly betaInit: number;
  readonly activation: ActivationKind;
  readonly stochasticDepth?: StochasticDepth;
  readonly channelAxis: number;
  private alphaWeight?: tfl.LayerVariable;
  private betaWeight?: tfl.LayerVariable;
  private scaleBroadcast: number[] = [];

  constructor(args: SkipResidualArgs = {}) {
    super(args);
    this.alpha = args.alpha ?? 1;
    this.beta = args.beta ?? 1;
    this.scaleShape = args.scaleShape ?? 'scalar';
    this.alphaInit = args.alphaInit ?? 1;
    this.betaInit = args.betaInit ?? 1;
    // tfjs-layers camel-cases string values when it loads a model.json ('gelu_tanh' -> 'geluTanh').
    this.activation = (args.activation === ('geluTanh' as ActivationKind) ? 'gelu_tanh' : args.activation) ?? 'none';
    this.stochasticDepth = args.stochasticDepth;
    this.channelAxis = args.channelAxis ?? -1;
    if (!ACTIVATION_KINDS.includes(this.activation)) {
      throw new SkipconnError('ATTRIBUTE_INVALID', `layer '${this.name}': activation is invalid: expected one of ${ACTIVATION_KINDS.join(', ')}, received ${JSON.stringify(this.activation)}`);
    }
    const sd = this.stochasticDepth;
    if (sd !== undefined && !(sd.survivalProb > 0 && sd.survivalProb <= 1 && (sd.convention === 'scale-at-train' || sd.convention === 'scale-at-test'))) {
      throw new SkipconnError('ATTRIBUTE_INVALID', `layer '${this.name}': stochasticDepth is invalid: expected { survivalProb in (0, 1], convention 'scale-at-train' | 'scale-at-test' }, received ${JSON.stringify(sd)}`);
    }
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const [shortcut, body] = shapeList(inputShape);
    if (shortcut === undefined || body === undefined || shapeList(inputShape).length !== 2) {
      fail(this.name, 'wrong number of inputs', '2 ([shortcut, body])', String(shapeList(inputShape).length));
    }
    if (shortcut.length !== body.length || shortcut.some((d, i) => d !== null && body[i] !== null && d !== body[i])) {
      fail(this.name, 'shortcut and body shapes must be equal', `body ${formatDims(shortcut)}`, `body ${formatDims(body)}; put a projection (e.g. a 1x1 conv or dense) on the shortcut path`);
    }
    const axis = resolveAxis(this.channelAxis, shortcut.length, this.name);
    const channels = shortcut[axis];
    let shape: number[] = [];
    if (this.scaleShape === 'channel') {
      if (channels === null || channels === undefined) fail(this.name, 'per-channel scales need a known channel size', `a number at axis ${this.channelAxis}`, formatDims(shortcut));
      shape = [channels];
      this.scaleBroadcast = shortcut.map((_, i) => (i === axis ? channels : 1)).slice(1);
    }
    const make = (name: string, value: number) => this.addWeight(name, shape, 'float32', tfl.initializers.constant({ value }));
    if (this.alpha === 'learned') this.alphaWeight = make('alpha', this.alphaInit);
    if (this.beta === 'learned') this.betaWeight = make('beta', this.betaInit);
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    return shapeList(inputShape)[0]!;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    return tf.tidy(() => {
      const [shortcut, body] = inputs as tf.Tensor[];
      const training = kwargs['training'] === true;
      const scaled = (x: tf.Tensor, spec: ScaleSpec, weight: tfl.LayerVariable | undefined): tf.Tensor => {
        if (weight !== undefined) {
          const w = weight.read();
          return tf.mul(x, this.scaleShape === 'channel' ? tf.reshape(w, this.scaleBroadcast) : w);
        }
        return spec === 1 ? x : tf.mul(x, spec as number);
      };
      let b = scaled(body!, this.beta, this.betaWeight);
      const sd = this.stochasticDepth;
      if (sd !== undefined && sd.survivalProb < 1) {
        if (training) {
          // One keep/drop decision per sample: floor(p + U[0, 1)) is 1 with probability p.
          const maskShape = [b.shape[0]!, ...new Array<number>(b.rank - 1).fill(1)];
          const keep = tf.floor(tf.add(sd.survivalProb, tf.randomUniform(maskShape)));
          b = tf.mul(b, sd.convention === 'scale-at-train' ? tf.div(keep, sd.survivalProb) : keep);
        } else if (sd.convention === 'scale-at-test') {
          b = tf.mul(b, sd.survivalProb);
        }
      }
      return applyActivation(tf, this.activation, tf.add(scaled(shortcut!, this.alpha, this.alphaWeight), b));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = {
      alpha: this.alpha,
      beta: this.beta,
      scaleShape: this.scaleShape,
      alphaInit: this.alphaInit,
      betaInit: this.betaInit,
      activation: this.activation,
      channelAxis: this.channelAxis,
    };
    if (this.stochasticDepth !== undefined) config['stochasticDepth'] = { ...this.stochasticDepth };
    return { ...super.getConfig(), ...config };
  }
}

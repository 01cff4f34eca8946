/**
 * residual: y = act(alpha * shortcut + beta * body)
 *
 * alpha and beta are each 1, a constant, or learned (`'learned'`): a learned scale is the next
 * extra input after shortcut and body (alpha's first), shaped [] or [1] (scalar) or [C]
 * (per channel, on the channel axis of the layout). This covers ResNet v1 (activation relu),
 * ResNet v2 (none), ReZero (beta learned scalar), LayerScale (beta learned per-channel) and
 * DeepNorm (alpha constant > 1).
 *
 * Stochastic depth is inference-time arithmetic here: with convention 'scale-at-train'
 * (timm DropPath) the body passes unscaled; with 'scale-at-test' (Huang et al. 2016) the body is
 * multiplied by the survival probability. Training-time dropping is outside the IR.
 */
import { GraphError, type NodeRef } from '../errors';
import { formatShape, shapesEqual, sizeOf } from '../tensor';
import type { Attrs, ValueInfo } from '../graph/types';
import { defineOp } from './op';
import { readEnum, rejectUnknownAttrs } from './attrs';
import { ACTIVATION_KINDS, type ActivationKind } from './activation-kind';
import { requireFloat, requireSameDType } from './shape';
import { channelAxis } from '../layout';

export const RESIDUAL = 'residual';

/** A scale: 1 (default), a constant, or a learned weight passed as an extra input. */
export type ScaleSpec = number | 'learned';

export type StochasticDepthConvention = 'scale-at-train' | 'scale-at-test';

export interface StochasticDepth {
  readonly survivalProb: number;
  readonly convention: StochasticDepthConvention;
}

export interface ResidualAttrs {
  readonly alpha: ScaleSpec;
  readonly beta: ScaleSpec;
  readonly activation: ActivationKind;
  readonly stochasticDepth?: StochasticDepth;
}

function readScale(raw: Attrs, name: 'alpha' | 'beta', ref: NodeRef): ScaleSpec {
  const v = raw[name];
  if (v === undefined) return 1;
  if ((typeof v === 'number' && Number.isFinite(v)) || v === 'learned') return v;
  throw new GraphError('ATTRIBUTE_INVALID', ref, `attribute '${name}' is invalid`, {
    expected: "a finite number or 'learned'",
    received: JSON.stringify(v),
  });
}

function readStochasticDepth(raw: Attrs, ref: NodeRef): StochasticDepth | undefined {
  const v = raw['stochasticDepth'];
  if (v === undefined) return undefined;
  const sd = v as Partial<StochasticDepth> | null;
  const ok =
    typeof sd === 'object' &&
    sd !== null &&
    typeof sd.survivalProb === 'number' &&
    sd.survivalProb > 0 &&
    sd.survivalProb <= 1 &&
    (sd.convention === 'scale-at-train' || sd.convention === 'scale-at-test') &&
    Object.keys(sd).every((k) => k === 'survivalProb' || k === 'convention');
  if (!ok) {
    throw new GraphError('ATTRIBUTE_INVALID', ref, "attribute 'stochasticDepth' is invalid", {
      expected: "{ survivalProb: number in (0, 1], convention: 'scale-at-train' | 'scale-at-test' }",
      received: JSON.stringify(v),
    });
  }
  return { survivalProb: sd.survivalProb!, convention: sd.convention! };
}

/** The factor the body is multiplied by at inference because of stochastic depth. */
export function stochasticDepthFactor(sd: StochasticDepth | undefined): number {
  return sd !== undefined && sd.convention === 'scale-at-test' ? sd.survivalProb : 1;
}

/** Number of learned-scale inputs the attributes call for. */
export function learnedScaleCount(attrs: ResidualAttrs): number {
  return (attrs.alpha === 'learned' ? 1 : 0) + (attrs.beta === 'learned' ? 1 : 0);
}

/** How a learned scale broadcasts: 'scalar' or 'channel' (on the layout's channel axis). */
export function scaleForm(scale: ValueInfo, data: ValueInfo, what: string, ref: NodeRef): 'scalar' | 'channel' {
  if (sizeOf(scale.shape) === 1 && scale.shape.length <= 1) return 'scalar';
  const channels = data.layout === undefined ? undefined : data.shape[channelAxis(data.layout)];
  if (scale.shape.length === 1 && channels !== undefined && scale.shape[0] === channels) return 'channel';
  throw new GraphError('SHAPE_MISMATCH', ref, `learned ${what} has the wrong shape`, {
    expected: channels === undefined ? `[] or [1] (a per-channel scale needs a layout on the data; it has none)` : `[] or [1] (scalar) or [${channels}] (per channel of layout ${data.layout})`,
    received: formatShape(scale.shape),
  });
}

export const residual = defineOp<ResidualAttrs, typeof RESIDUAL>({
  type: RESIDUAL,
  category: 'merge',
  summary: 'y = act(alpha * shortcut + beta * body); ResNet, ReZero, LayerScale, DeepNorm, stochastic depth',
  inputNames: ['shortcut', 'body', 'alpha?', 'beta?'],
  minInputs: 2,
  maxInputs: 4,
  parseAttrs(raw, ref) {
    rejectUnknownAttrs(raw, ['alpha', 'beta', 'activation', 'stochasticDepth'], ref);
    return {
      alpha: readScale(raw, 'alpha', ref),
      beta: readScale(raw, 'beta', ref),
      activation: readEnum(raw, 'activation', ACTIVATION_KINDS, 'none', ref),
      stochasticDepth: readStochasticDepth(raw, ref),
    };
  },
  inferShape(inputs, attrs, ref) {
    const [shortcut, body, ...scales] = inputs as [ValueInfo, ValueInfo, ...ValueInfo[]];
    const wanted = learnedScaleCount(attrs);
    if (scales.length !== wanted) {
      throw new GraphError('GRAPH_INVALID', ref, 'wrong number of learned-scale inputs', {
        expected: `${wanted} (alpha ${attrs.alpha === 'learned' ? 'learned' : 'fixed'}, beta ${attrs.beta === 'learned' ? 'learned' : 'fixed'})`,
        received: String(scales.length),
      });
    }
    requireFloat(shortcut, 'shortcut', ref);
    requireSameDType([shortcut, body, ...scales], ref);
    if (!shapesEqual(shortcut.shape, body.shape)) {
      const sameRank = shortcut.shape.length === body.shape.length;
      throw new GraphError('SHAPE_MISMATCH', ref, 'shortcut and body shapes must be equal', {
        expected: `body ${formatShape(shortcut.shape)} (the shortcut's shape)`,
        received: `body ${formatShape(body.shape)}, shortcut ${formatShape(shortcut.shape)}`,
        hint: sameRank
          ? 'Put a projection shortcut on the shortcut path (e.g. a 1x1 conv2d with the right stride and output channels, then batchNorm) so that it matches the body'
          : 'The ranks differ; reshape or project the shortcut so that it matches the body',
      });
    }
    if (shortcut.layout !== undefined && body.layout !== undefined && shortcut.layout !== body.layout) {
      throw new GraphError('SHAPE_MISMATCH', ref, 'shortcut and body layouts must be equal', {
        expected: `body layout ${shortcut.layout}`,
        received: `body layout ${body.layout}`,
        hint: 'Transpose one path once at the graph boundary rather than mixing layouts',
      });
    }
    const layout = shortcut.layout ?? body.layout;
    const data: ValueInfo = { ...shortcut, layout };
    scales.forEach((s, i) => scaleForm(s, data, i === 0 && attrs.alpha === 'learned' ? 'alpha' : 'beta', ref));
    return [data];
  },
});

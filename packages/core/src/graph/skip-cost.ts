/**
 * What each skip connection costs, from shapes and weights alone (nothing runs):
 *
 *   bodyParams       weight elements read by the bypassed body (batchNorm statistics included,
 *                    since an imported graph may have folded them into the conv anyway)
 *   shortcutParams   weight elements of a projection shortcut (0 for an identity shortcut)
 *   mergeOutputBytes bytes of the merge's output tensor
 *   concat           for a concat: channels of each input, the channels it adds beyond its first
 *                    input (DenseNet's growth rate for a two-input concat), and the bytes held
 *                    while it runs: naively every input plus the joined copy; zero-copy (each
 *                    producer writes straight into its channel slice of the output) only the
 *                    output, plus any input that is center-cropped, which has to exist whole
 *   scales           residual scales other than 1: constants (DeepNorm's alpha) and learned
 *                    weights (ReZero's scalar, LayerScale's per-channel gamma) with their values
 *
 * A weight shared by several nodes of one skip counts once.
 */
import { channelAxis } from '../layout';
import { BYTES_PER_ELEMENT, sizeOf, toFloat64, shapesEqual } from '../tensor';
import type { ValueInfo, WeightStore } from './types';
import type { ValidatedGraph, ValidatedNode, ValidatedNodeOf } from './validate';
import type { SkipConnection } from './skips';
import type { ResidualAttrs } from '../ops/residual';

/**
 * The kind of a skip as people name it (and as the skip map colours it): a residual merge is
 * 'projection' when its shortcut has nodes, 'scaled-residual' when a scale other than 1 or
 * stochastic depth applies, else 'residual'; the other merges keep their op name.
 */
export type SkipCategory = 'residual' | 'scaled-residual' | 'projection' | 'concat' | 'highway' | 'gate';

export const SKIP_CATEGORIES: readonly SkipCategory[] = ['residual', 'scaled-residual', 'projection', 'concat', 'highway', 'gate'];

/** Up to this many elements a learned scale's values are listed; larger ones only summarised. */
export const SCALE_VALUES_LISTED = 64;

export interface SkipScale {
  /** 'alpha' multiplies the shortcut, 'beta' the body. */
  readonly name: 'alpha' | 'beta';
  readonly kind: 'constant' | 'learned';
  /** The weight holding a learned scale; null for a constant. */
  readonly weight: string | null;
  /** [] for a constant or a scalar weight, [C] for a per-channel one. */
  readonly shape: number[];
  readonly count: number;
  /** Every value when count <= SCALE_VALUES_LISTED and the weights are at hand, else null. */
  readonly values: number[] | null;
  /** Summary of the values; null when the weights are not at hand. */
  readonly min: number | null;
  readonly max: number | null;
  readonly mean: number | null;
}

export interface ConcatCost {
  /** Channels of each input, in input order. */
  readonly inputChannels: number[];
  readonly outputChannels: number;
  /** outputChannels minus the first input's channels. */
  readonly channelGrowth: number;
  /** Bytes held while the concat runs when every input is its own tensor and then copied. */
  readonly naiveBytes: number;
  /** Bytes held when producers write into their channel slice of the output. */
  readonly zeroCopyBytes: number;
}

export interface SkipCost {
  readonly category: SkipCategory;
  /** 'ReZero', 'LayerScale', 'DeepNorm', 'stochastic depth' or null: the scaling scheme the scales match. */
  readonly scheme: string | null;
  readonly bodyParams: number;
  readonly shortcutParams: number;
  readonly mergeOutputBytes: number;
  readonly concat: ConcatCost | null;
  readonly scales: SkipScale[];
}

/** Bytes of a value with a static shape. */
export function valueBytes(info: ValueInfo): number {
  return sizeOf(info.shape) * BYTES_PER_ELEMENT[info.dtype];
}

/** Weight elements read by `nodes`, each weight counted once. */
export function weightElements(vg: ValidatedGraph, nodes: readonly ValidatedNode[]): number {
  const seen = new Set<string>();
  let total = 0;
  for (const node of nodes) {
    for (const input of node.spec.inputs) {
      if (!vg.weightNames.has(input) || seen.has(input)) continue;
      seen.add(input);
      total += sizeOf(vg.values.get(input)!.shape);
    }
  }
  return total;
}

function residualScales(vg: ValidatedGraph, node: ValidatedNodeOf<'residual'>, weights: WeightStore | undefined): SkipScale[] {
  const attrs = node.attrs;
  const scales: SkipScale[] = [];
  let nextInput = 2; // learned scales follow shortcut and body, alpha's first
  for (const name of ['alpha', 'beta'] as const) {
    const spec = attrs[name];
    if (spec === 'learned') {
      const weight = node.spec.inputs[nextInput++]!;
      const shape = [...vg.values.get(weight)!.shape];
      const stored = weights?.get(weight);
      const values = stored === undefined ? null : Array.from(toFloat64(stored));
      scales.push({
        name,
        kind: 'learned',
        weight,
        shape,
        count: sizeOf(shape),
        values: values !== null && values.length <= SCALE_VALUES_LISTED ? values : null,
        min: values === null || values.length === 0 ? null : Math.min(...values),
        max: values === null || values.length === 0 ? null : Math.max(...values),
        mean: values === null || values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length,
      });
    } else if (spec !== 1) {
      scales.push({ name, kind: 'constant', weight: null, shape: [], count: 1, values: [spec], min: spec, max: spec, mean: spec });
    }
  }
  return scales;
}

/** The published scheme a residual's scales follow, by the forms each paper uses. */
function residualScheme(attrs: ResidualAttrs, scales: readonly SkipScale[]): string | null {
  const beta = scales.find((s) => s.name === 'beta');
  const alpha = scales.find((s) => s.name === 'alpha');
  if (beta?.kind === 'learned' && alpha === undefined) return beta.count === 1 ? 'ReZero' : 'LayerScale';
  if (alpha?.kind === 'constant' && alpha.values![0]! > 1 && beta === undefined) return 'DeepNorm';
  if (scales.length > 0) return 'scaled';
  if (attrs.stochasticDepth !== undefined) return 'stochastic depth';
  return null;
}

function concatCost(node: ValidatedNode): ConcatCost {
  const out = node.outputs[0]!;
  const axis = channelAxis(out.layout!);
  const inputChannels = node.inputs.map((i) => i.shape[axis]!);
  const outputBytes = valueBytes(out);
  // A center-cropped input is larger than its slice of the output, so it cannot be written there.
  const croppedBytes = node.inputs
    .filter(
      (i) =>
        !shapesEqual(
          i.shape.filter((_, k) => k !== axis),
          out.shape.filter((_, k) => k !== axis),
        ),
    )
    .reduce((sum, i) => sum + valueBytes(i), 0);
  return {
    inputChannels,
    outputChannels: out.shape[axis]!,
    channelGrowth: out.shape[axis]! - inputChannels[0]!,
    naiveBytes: node.inputs.reduce((sum, i) => sum + valueBytes(i), 0) + outputBytes,
    zeroCopyBytes: outputBytes + croppedBytes,
  };
}

/**
 * Costs of each skip of `vg` (as findSkips lists them). Without `weights`, learned scale values
 * are null; everything else comes from the validated shapes.
 */
export function skipCosts(vg: ValidatedGraph, skips: readonly SkipConnection[], weights?: WeightStore): SkipCost[] {
  const byName = new Map(vg.nodes.map((n) => [n.spec.name, n]));
  return skips.map((skip) => {
    const merge = byName.get(skip.merge)!;
    const shortcut = new Set(skip.shortcut);
    const bypassed = skip.bypassed.map((n) => byName.get(n)!);
    const scales = merge.type === 'residual' ? residualScales(vg, merge, weights) : [];
    const scheme = merge.type === 'residual' ? residualScheme(merge.attrs, scales) : null;
    let category: SkipCategory;
    if (merge.type === 'residual') category = shortcut.size > 0 ? 'projection' : scheme !== null ? 'scaled-residual' : 'residual';
    else category = merge.type as SkipCategory;
    return {
      category,
      scheme,
      bodyParams: weightElements(
        vg,
        bypassed.filter((n) => !shortcut.has(n.spec.name)),
      ),
      shortcutParams: weightElements(
        vg,
        bypassed.filter((n) => shortcut.has(n.spec.name)),
      ),
      mergeOutputBytes: valueBytes(merge.outputs[0]!),
      concat: merge.spec.op === 'concat' ? concatCost(merge) : null,
      scales,
    };
  });
}

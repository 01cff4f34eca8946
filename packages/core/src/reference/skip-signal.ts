/**
 * What each skip does to the signal on given inputs, measured by the reference evaluator:
 *
 *   residual  shortcutRms = RMS(alpha * shortcut), bodyRms = RMS(beta * sd * body): the two terms
 *             exactly as the merge adds them (learned and per-channel scales, stochastic depth at
 *             inference), computed by the residual kernel itself with the other term zeroed.
 *             ratio = bodyRms / shortcutRms: near 0 the block is close to the identity, near 1 and
 *             above the body dominates. null where the shortcut term is all zeros.
 *   gate      gateMean = mean of g (an SE gate after its sigmoid: 1 passes, 0 closes)
 *   highway   transformMean = mean of T = sigmoid(transform logits) (1: all body, 0: all carry);
 *             carryMean = mean of C (1 - T when coupled, sigmoid(carry logits) when separate)
 *   concat    nothing: it neither mixes nor scales.
 */
import type { HostTensor } from '../tensor';
import type { WeightStore } from '../graph/types';
import type { ValidatedGraph, ValidatedNode, ValidatedNodeOf } from '../graph/validate';
import type { SkipConnection } from '../graph/skips';
import type { ResidualAttrs } from '../ops/residual';
import { evaluateGraph } from './evaluate';
import { f64, type F64Tensor } from './kernel';
import { residualKernel } from './kernels/residual';

export interface SkipSignal {
  readonly shortcutRms: number | null;
  readonly bodyRms: number | null;
  readonly ratio: number | null;
  readonly gateMean: number | null;
  readonly transformMean: number | null;
  readonly carryMean: number | null;
}

const NONE: SkipSignal = { shortcutRms: null, bodyRms: null, ratio: null, gateMean: null, transformMean: null, carryMean: null };

function rms(data: Float64Array): number | null {
  if (data.length === 0) return null;
  let sum = 0;
  for (const v of data) sum += v * v;
  return Math.sqrt(sum / data.length);
}

function mean(data: Float64Array, map: (v: number) => number = (v) => v): number | null {
  if (data.length === 0) return null;
  let sum = 0;
  for (const v of data) sum += map(v);
  return sum / data.length;
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

function residualSignal(node: ValidatedNodeOf<'residual'>, inputs: readonly F64Tensor[]): SkipSignal {
  const [shortcut, body, ...scales] = inputs as [F64Tensor, F64Tensor, ...F64Tensor[]];
  const attrs: ResidualAttrs = { ...node.attrs, activation: 'none' };
  const zeros = f64(shortcut.shape);
  const shortcutTerm = residualKernel.run([shortcut, zeros, ...scales], attrs, node)[0]!;
  const bodyTerm = residualKernel.run([zeros, body, ...scales], attrs, node)[0]!;
  const shortcutRms = rms(shortcutTerm.data);
  const bodyRms = rms(bodyTerm.data);
  const ratio = shortcutRms !== null && bodyRms !== null && shortcutRms > 0 ? bodyRms / shortcutRms : null;
  return { ...NONE, shortcutRms, bodyRms, ratio };
}

function mergeSignal(node: ValidatedNode, inputs: readonly F64Tensor[]): SkipSignal | null {
  switch (node.type) {
    case 'residual':
      return residualSignal(node, inputs);
    case 'gate':
      return { ...NONE, gateMean: mean(inputs[1]!.data) };
    case 'highway': {
      const coupled = node.attrs.carry === 'coupled';
      const transformMean = mean(inputs[2]!.data, sigmoid);
      return { ...NONE, transformMean, carryMean: coupled ? (transformMean === null ? null : 1 - transformMean) : mean(inputs[3]!.data, sigmoid) };
    }
    default:
      return null;
  }
}

/** Signal statistics of each skip (null for concats), from one float64 run of the reference evaluator. */
export function skipSignals(vg: ValidatedGraph, weights: WeightStore, feeds: Readonly<Record<string, HostTensor>>, skips: readonly SkipConnection[]): (SkipSignal | null)[] {
  const wanted = new Set(skips.map((s) => s.merge));
  const found = new Map<string, SkipSignal | null>();
  evaluateGraph(vg, weights, feeds, {
    float64: true,
    onNode(node, inputs) {
      if (wanted.has(node.spec.name)) found.set(node.spec.name, mergeSignal(node, inputs));
    },
  });
  return skips.map((s) => found.get(s.merge) ?? null);
}

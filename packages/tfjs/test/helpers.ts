/** Test helpers: build one-node graphs, run them on a tfjs adapter and judge them against the reference. */
import { GraphBuilder, evaluateGraph, randomTensor, toFloat64, type Attrs, type HostTensor, type Layout, type ValidatedGraph, type WeightStore } from '@skipconn/core';
import * as tf from '@tensorflow/tfjs-core';
import { createTfjsAdapter, TFJS_CPU, TFJS_WASM, type TfjsAdapter } from '../src';

// tfjs's test mode checks every kernel for leaked data ids, and stops tfjs-backend-cpu from
// advertising tfjs-node in the test output.
tf.env().set('IS_TEST', true);

export const BACKENDS = [TFJS_CPU, TFJS_WASM] as const;

export async function initAdapter(spec: (typeof BACKENDS)[number]): Promise<TfjsAdapter> {
  const adapter = createTfjsAdapter(spec);
  await adapter.init();
  return adapter;
}

/** Largest violation of |got - want| <= atol + rtol * |want| (<= 0 passes), NaN/Inf compared exactly. */
export function worstError(got: HostTensor, want: HostTensor, atol = 1e-5, rtol = 1e-5): { excess: number; index: number; got: number; want: number } {
  const g = toFloat64(got);
  const w = toFloat64(want);
  if (g.length !== w.length) throw new Error(`length ${g.length} vs ${w.length}`);
  let worst = { excess: -Infinity, index: -1, got: NaN, want: NaN };
  for (let i = 0; i < w.length; i++) {
    const a = g[i]!;
    const b = w[i]!;
    let excess: number;
    if (Number.isNaN(b)) excess = Number.isNaN(a) ? -1 : Infinity;
    else if (!Number.isFinite(b)) excess = a === b ? -1 : Infinity;
    else excess = Number.isFinite(a) ? Math.abs(a - b) - (atol + rtol * Math.abs(b)) : Infinity;
    if (excess > worst.excess) worst = { excess, index: i, got: a, want: b };
  }
  return worst;
}

export interface OpCase {
  readonly name: string;
  readonly graph: ValidatedGraph;
  readonly weights: WeightStore;
  readonly feeds: Record<string, HostTensor>;
}

/** A graph of one node on input x (shape, layout), with optional weights as extra inputs. */
export function opCase(
  name: string,
  op: string,
  x: { shape: readonly number[]; layout?: Layout },
  attrs: Attrs = {},
  weights: readonly (readonly number[])[] = [],
  extraInputs: readonly { shape: readonly number[]; layout?: Layout }[] = [],
  seed = 1,
): OpCase {
  const b = new GraphBuilder(name);
  const inputs = [b.input('x', x.shape, x.layout ? { layout: x.layout } : {})];
  const feeds: Record<string, HostTensor> = { x: randomTensor(x.shape, seed) };
  extraInputs.forEach((e, i) => {
    inputs.push(b.input(`x${i + 1}`, e.shape, e.layout ? { layout: e.layout } : {}));
    feeds[`x${i + 1}`] = randomTensor(e.shape, seed + 10 + i);
  });
  weights.forEach((shape, i) => inputs.push(b.weight(`w${i}`, randomTensor(shape, seed + 100 + i))));
  b.output(b.node(op, inputs, attrs, 'node'));
  const built = b.build();
  return { name, graph: built.validated, weights: built.weights, feeds };
}

export function reference(c: OpCase): Record<string, HostTensor> {
  return evaluateGraph(c.graph, c.weights, c.feeds, { float64: true });
}

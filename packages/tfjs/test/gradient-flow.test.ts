/**
 * Gradient flow on a 2-block residual MLP, checked against central finite differences of the
 * float64 reference evaluator on graphs written out by hand (the whole model for the first fork,
 * the second block alone for the second, the same bodies without the shortcuts for the cut model).
 */
import { GraphBuilder, blocks, evaluateGraph, findSkips, randomTensor, tensor, toFloat64, type HostTensor, type ValidatedGraph, type WeightStore } from '@skipconn/core';
import { TFJS_CPU, cutResidualShortcuts, gradientFlow, withGradientProbes, type TfRuntime } from '../src';
import { validateGraph } from '@skipconn/core';

const WIDTH = 3;

/** The body of blocks.residualMlpBlock: its weights are seeded from their names, so this is the same body. */
function body(b: GraphBuilder, x: string, name: string): string {
  return blocks.dense(b, b.node('gelu', [blocks.dense(b, x, `${name}.fc1`, WIDTH, WIDTH)], {}, `${name}.gelu`), `${name}.fc2`, WIDTH, WIDTH);
}

function build(make: (b: GraphBuilder, x: string) => string) {
  const b = new GraphBuilder();
  const x = b.input('x', [1, WIDTH], { layout: 'NC' });
  b.output(make(b, x));
  return b.build();
}

const loss = (vg: ValidatedGraph, weights: WeightStore, x: Float64Array): number => {
  const out = evaluateGraph(vg, weights, { x: tensor('float32', [1, WIDTH], x) }, { float64: true });
  return Object.values(out).reduce((sum, t) => sum + toFloat64(t).reduce((s, v) => s + 0.5 * v * v, 0), 0);
};

/** L2 norm of dL/dx by central differences, L = 1/2 sum y^2 on the reference evaluator. */
function finiteDifferenceNorm(vg: ValidatedGraph, weights: WeightStore, x: Float64Array, eps = 1e-2): number {
  let sum = 0;
  for (let j = 0; j < x.length; j++) {
    const up = Float64Array.from(x);
    const down = Float64Array.from(x);
    up[j]! += eps;
    down[j]! -= eps;
    const g = (loss(vg, weights, up) - loss(vg, weights, down)) / (2 * eps);
    sum += g * g;
  }
  return Math.sqrt(sum);
}

const closeTo = (got: number, want: number) => expect(Math.abs(got - want)).toBeLessThanOrEqual(2e-3 * Math.abs(want) + 1e-6);

let runtime: TfRuntime;
beforeAll(async () => {
  runtime = { tf: await TFJS_CPU.load(), backend: 'cpu' };
});

describe('gradientFlow', () => {
  const model = build((b, x) => blocks.residualMlpBlock(b, blocks.residualMlpBlock(b, x, 'b1', WIDTH, 'plain'), 'b2', WIDTH, 'plain'));
  const x = toFloat64(randomTensor([1, WIDTH], 7));
  const feeds: Record<string, HostTensor> = { x: tensor('float32', [1, WIDTH], x) };

  it("probes leave the numbers unchanged: zero probes give the model's own outputs", () => {
    const probed = withGradientProbes(model.validated, findSkips(model.validated));
    const pvg = validateGraph(probed.graph);
    const zeros = Object.fromEntries(pvg.graph.inputs.filter((i) => i.name !== 'x').map((i) => [i.name, tensor(i.dtype, i.shape)]));
    const want = evaluateGraph(model.validated, model.weights, feeds, { float64: true });
    const got = evaluateGraph(pvg, model.weights, { ...feeds, ...zeros }, { float64: true });
    expect(Array.from(toFloat64(Object.values(got)[0]!))).toEqual(Array.from(toFloat64(Object.values(want)[0]!)));
  });

  it('2-block residual MLP: fork and merge-input gradient norms match finite differences', async () => {
    const skips = findSkips(model.validated);
    expect(skips.map((s) => s.merge)).toEqual(['b1.add', 'b2.add']);
    const flow = await gradientFlow(runtime, model.validated, model.weights, feeds, skips);

    // Fork of block 1 is x itself: finite differences on the whole model.
    closeTo(flow.merges[0]!.fork, finiteDifferenceNorm(model.validated, model.weights, x));
    // Fork of block 2 is y1 = b1's output: finite differences on block 2 alone, fed y1.
    const y1 = toFloat64(evaluateGraph(build((b, v) => blocks.residualMlpBlock(b, v, 'b1', WIDTH, 'plain')).validated, model.weights, feeds, { float64: true })['b1.add']!);
    const second = build((b, v) => blocks.residualMlpBlock(b, v, 'b2', WIDTH, 'plain'));
    closeTo(flow.merges[1]!.fork, finiteDifferenceNorm(second.validated, second.weights, y1));
    // y2 = shortcut + body with no activation: dL/dshortcut = dL/dbody = dL/dy2 = y2 for L = 1/2 sum y2^2.
    const y2 = toFloat64(evaluateGraph(model.validated, model.weights, feeds, { float64: true })['b2.add']!);
    const y2Norm = Math.hypot(...y2);
    closeTo(flow.merges[1]!.inputs[0]!, y2Norm);
    closeTo(flow.merges[1]!.inputs[1]!, y2Norm);
    // Block 1's merge feeds only block 2's fork: the same gradient reaches both of its inputs.
    closeTo(flow.merges[0]!.inputs[0]!, flow.merges[1]!.fork);
    closeTo(flow.loss, 0.5 * y2.reduce((s, v) => s + v * v, 0));
  });

  it("skips removed: the cut model's gradient at the input matches the plain two-layer MLP", async () => {
    const cut = validateGraph(cutResidualShortcuts(model.graph));
    const flow = await gradientFlow(runtime, cut, model.weights, feeds, findSkips(cut));
    const plain = build((b, v) => body(b, body(b, v, 'b1'), 'b2'));
    closeTo(flow.merges[0]!.fork, finiteDifferenceNorm(plain.validated, plain.weights, x));
    // Without the identity, less of the gradient reaches the input than with it (these weights are
    // scaled by 1/sqrt(fan-in), so each body shrinks what passes through it).
    const full = await gradientFlow(runtime, model.validated, model.weights, feeds, findSkips(model.validated));
    expect(flow.merges[0]!.fork).toBeLessThan(full.merges[0]!.fork);
  });

  it('through comparisons: a clip body (its tfjs kernel compares) matches finite differences', async () => {
    // y = x + dense(clip(dense(x), -0.5, 0.5)): some pre-activations clip (derivative 0), some do not.
    const clipped = build((b, v) => b.node('residual', [v, blocks.dense(b, b.node('clip', [blocks.dense(b, v, 'c.fc1', WIDTH, WIDTH)], { min: -0.5, max: 0.5 }, 'c.clip'), 'c.fc2', WIDTH, WIDTH)], {}, 'c.add'));
    const pre = toFloat64(evaluateGraph(build((b, v) => blocks.dense(b, v, 'c.fc1', WIDTH, WIDTH)).validated, clipped.weights, feeds, { float64: true })['c.fc1']!);
    // Away from the bounds by more than the finite-difference step, and on both sides of them.
    expect(pre.some((v) => Math.abs(v) > 0.55) && pre.some((v) => Math.abs(v) < 0.45)).toBe(true);
    for (const v of pre) expect(Math.abs(Math.abs(v) - 0.5)).toBeGreaterThan(0.02);
    const flow = await gradientFlow(runtime, clipped.validated, clipped.weights, feeds, findSkips(clipped.validated));
    closeTo(flow.merges[0]!.fork, finiteDifferenceNorm(clipped.validated, clipped.weights, x, 1e-3));
  });

  it('a graph without skips gives its loss and no merges', async () => {
    const plain = build((b, v) => b.node('relu', [v], {}, 'r'));
    const flow = await gradientFlow(runtime, plain.validated, plain.weights, feeds, []);
    // L = 1/2 * sum relu(x)^2
    closeTo(flow.loss, 0.5 * Array.from(x).reduce((s, v) => s + Math.max(0, v) ** 2, 0));
    expect(flow.loss).toBeGreaterThan(0);
    expect(flow.merges).toEqual([]);
  });

  it('tensors are released', async () => {
    const before = runtime.tf.memory().numTensors;
    await gradientFlow(runtime, model.validated, model.weights, feeds, findSkips(model.validated));
    expect(runtime.tf.memory().numTensors).toBe(before);
  });
});

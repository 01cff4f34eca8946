/**
 * hardSigmoid: y = max(0, min(1, alpha * x + beta)), hand-computed values (the arithmetic is next
 * to each) and the attribute rules (defaults, finite numbers only, no unknown attributes).
 */
import { GraphBuilder, GraphError, PYTORCH_HARD_SIGMOID, evaluateGraph, tensor, type Attrs } from '../src';

function run(data: number[], attrs: Attrs): number[] {
  const b = new GraphBuilder('hard-sigmoid-case');
  b.output(b.node('hardSigmoid', [b.input('x', [data.length], { dtype: 'float64' })], attrs, 'n'));
  const { validated, weights } = b.build();
  return Array.from(evaluateGraph(validated, weights, { x: tensor('float64', [data.length], data) }, { float64: true })['n']!.data as Float64Array);
}

function attrError(attrs: Attrs): GraphError {
  const b = new GraphBuilder('bad');
  b.output(b.node('hardSigmoid', [b.input('x', [2])], attrs, 'n'));
  try {
    b.build();
  } catch (err) {
    if (err instanceof GraphError) return err;
    throw err;
  }
  throw new Error('expected a GraphError');
}

test("defaults are ONNX's: alpha 0.2, beta 0.5", () => {
  // 0.2 * -3 + 0.5 = -0.1 -> 0; 0.2 * 0 + 0.5 = 0.5; 0.2 * 1 + 0.5 = 0.7; 0.2 * 3 + 0.5 = 1.1 -> 1
  expect(run([-3, 0, 1, 3], {})).toEqual([0, 0.5, 0.2 * 1 + 0.5, 1]);
});

test("PyTorch's Hardsigmoid is alpha 1/6: relu6(x + 3) / 6", () => {
  // -4/6 + 0.5 < 0 -> 0; -3/6 + 0.5 = 0 -> 0; 1.5/6 + 0.5 = 0.75; 3/6 + 0.5 = 1; 4 -> 1
  expect(run([-4, -3, 1.5, 3, 4], { ...PYTORCH_HARD_SIGMOID })).toEqual([0, 0, 0.75, 1, 1]);
});

test('NaN propagates, infinities saturate by the sign of alpha, -0 gives beta', () => {
  const got = run([NaN, Infinity, -Infinity, -0], {});
  expect(got[0]).toBeNaN();
  expect(got.slice(1)).toEqual([1, 0, 0.5]);
  // alpha -0.5: -0.5 * +Inf = -Inf -> 0, -0.5 * -Inf = +Inf -> 1
  expect(run([Infinity, -Infinity], { alpha: -0.5, beta: 0.25 })).toEqual([0, 1]);
});

test('alpha and beta must be finite numbers, and nothing else is accepted', () => {
  expect(attrError({ alpha: 'Infinity' }).message).toMatch(/alpha.*a number/s);
  expect(attrError({ beta: Number.NaN }).message).toMatch(/beta.*a finite number.*NaN/s);
  expect(attrError({ gamma: 1 }).message).toMatch(/gamma/);
});

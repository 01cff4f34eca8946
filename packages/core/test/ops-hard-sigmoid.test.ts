/**
 * hardSigmoid: y = max(0, min(1, alpha * x + beta)), hand-computed values (the arithmetic is next
 * to each) and the attribute rules (defaults, finite numbers only, no unknown attributes).
 */
import { PYTORCH_HARD_SIGMOID, tensor, type Attrs, type GraphError } from '../src';
import { evaluateOneOp, oneOpBuildError } from './one-op';

const run = (data: number[], attrs: Attrs): number[] => Array.from(evaluateOneOp('hardSigmoid', tensor('float64', [data.length], data), attrs).data as Float64Array);
const attrError = (attrs: Attrs): GraphError => oneOpBuildError('hardSigmoid', [2], attrs);

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

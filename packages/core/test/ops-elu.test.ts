/**
 * elu: x for x >= 0, alpha * (exp(x) - 1) below; hand-computed values (the arithmetic is next to
 * each) and the attribute rules (default 1, finite numbers only, no unknown attributes).
 */
import { tensor, type Attrs, type GraphError } from '../src';
import { evaluateOneOp, oneOpBuildError } from './one-op';

const run = (data: number[], attrs: Attrs): number[] => Array.from(evaluateOneOp('elu', tensor('float64', [data.length], data), attrs).data as Float64Array);
const attrError = (attrs: Attrs): GraphError => oneOpBuildError('elu', [2], attrs);

test('alpha 1 by default: x >= 0 passes, exp(x) - 1 below', () => {
  // 2 -> 2; 0 -> 0; -ln 2 -> 1/2 - 1 = -0.5; -ln 4 -> 1/4 - 1 = -0.75
  expect(run([2, 0, -Math.LN2, -2 * Math.LN2], {})).toEqual([2, 0, Math.expm1(-Math.LN2), Math.expm1(-2 * Math.LN2)]);
  expect(run([-Math.LN2, -2 * Math.LN2], {}).map((v) => Number(v.toFixed(12)))).toEqual([-0.5, -0.75]);
});

test('alpha scales the negative side; no cancellation near 0', () => {
  // alpha 0.5: -ln 2 -> 0.5 * (-0.5) = -0.25; 3 -> 3
  expect(run([-Math.LN2, 3], { alpha: 0.5 }).map((v) => Number(v.toFixed(12)))).toEqual([-0.25, 3]);
  // expm1(-1e-10) = -1e-10 + 5e-21 - ...: exp(x) - 1 in float64 would lose 6 digits here
  expect(run([-1e-10], {})[0]).toBeCloseTo(-1e-10 + 5e-21, 25);
});

test('NaN passes, +Infinity stays, -Infinity gives -alpha, -0 stays -0', () => {
  const got = run([NaN, Infinity, -Infinity, -0], { alpha: 2 });
  expect(got[0]).toBeNaN();
  expect(got.slice(1, 3)).toEqual([Infinity, -2]);
  expect(Object.is(got[3], -0)).toBe(true);
});

test('alpha must be a finite number, and nothing else is accepted', () => {
  expect(attrError({ alpha: 'one' }).message).toMatch(/alpha.*a number/s);
  expect(attrError({ alpha: Infinity }).message).toMatch(/alpha.*a finite number.*Infinity/s);
  expect(attrError({ beta: 1 }).message).toMatch(/beta/);
});

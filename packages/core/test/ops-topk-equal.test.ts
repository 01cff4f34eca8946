/**
 * topK (descending, the lower index first among equals, NaN refused) and equal (IEEE, 1/0 in
 * the operands' dtype), with hand-computed values, and their attribute and shape errors.
 */
import { GraphBuilder, SkipconnError, evaluateGraph, tensor, type HostTensor } from '../src';
import { oneOpBuildError } from './one-op';

function topK(x: HostTensor, k: number): [HostTensor, HostTensor] {
  const g = new GraphBuilder('topK-case');
  const outs = g.nodeOutputs('topK', [g.input('x', x.shape, { dtype: x.dtype })], { k }, 'y', 2);
  g.output(...outs);
  const { validated, weights } = g.build();
  const r = evaluateGraph(validated, weights, { x });
  return [r[outs[0]!]!, r[outs[1]!]!];
}

test('topK: descending along the last axis, the lower index first among equal values', () => {
  // rows: [4, 1, 4, 9] -> 9, 4 at 3, 0 (4 at 0 before 4 at 2); [-0, 0, -3, 0] -> -0, 0 at 0, 1
  const [v, i] = topK(tensor('float32', [2, 4], [4, 1, 4, 9, -0, 0, -3, 0]), 2);
  expect(v.shape).toEqual([2, 2]);
  expect(Array.from(v.data as Float32Array)).toEqual([9, 4, -0, 0]);
  expect(i.dtype).toBe('int32');
  expect(Array.from(i.data as Int32Array)).toEqual([3, 0, 0, 1]);
});

test('topK: a NaN is undefined, so the reference refuses it naming the row', () => {
  expect(() => topK(tensor('float32', [2, 3], [1, 2, 3, 4, NaN, 6]), 1)).toThrow(SkipconnError);
  expect(() => topK(tensor('float32', [2, 3], [1, 2, 3, 4, NaN, 6]), 1)).toThrow(/row 1 holds NaN at position 1/);
});

test('topK: k missing, negative or beyond the last axis and a scalar input are refused naming what was expected', () => {
  expect(oneOpBuildError('topK', [2, 3], {}).message).toMatch(/attribute 'k' is missing/);
  expect(oneOpBuildError('topK', [2, 3], { k: 4 }).message).toMatch(/k = 4 exceeds the last axis.*expected k <= 3/s);
  expect(oneOpBuildError('topK', [2, 3], { k: -1 }).message).toMatch(/attribute 'k' is invalid.*an integer >= 0/s);
  expect(oneOpBuildError('topK', [], { k: 0 }).message).toMatch(/x is a scalar.*x of rank >= 1/s);
});

test('equal: IEEE equality as 1 and 0 in the operands dtype', () => {
  // [1 == 1, NaN == NaN, -0 == 0, Inf == Inf, 2 == 3] -> [1, 0, 1, 1, 0]
  const g = new GraphBuilder('equal-case');
  g.output(g.node('equal', [g.input('a', [5]), g.input('b', [5])], {}, 'y'));
  const { validated, weights } = g.build();
  const y = evaluateGraph(validated, weights, { a: tensor('float32', [5], [1, NaN, -0, Infinity, 2]), b: tensor('float32', [5], [1, NaN, 0, Infinity, 3]) })['y']!;
  expect(y.dtype).toBe('float32');
  expect(Array.from(y.data as Float32Array)).toEqual([1, 0, 1, 1, 0]);
});

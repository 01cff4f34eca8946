/**
 * argMax (first maximum, NaN wins, keepDims) and gatherNd (coordinates into the leading axes,
 * out-of-range indices refused by the reference), with hand-computed values, and their shape
 * and dtype errors. sqrt's special values too.
 */
import { GraphBuilder, GraphError, SkipconnError, evaluateGraph, tensor, type Attrs, type HostTensor } from '../src';
import { evaluateOneOp, oneOpBuildError } from './one-op';

function gather(x: HostTensor, indices: HostTensor): HostTensor {
  const g = new GraphBuilder('gatherNd-case');
  g.output(g.node('gatherNd', [g.input('x', x.shape, { dtype: x.dtype }), g.input('i', indices.shape, { dtype: indices.dtype })], {}, 'y'));
  const { validated, weights } = g.build();
  return evaluateGraph(validated, weights, { x, i: indices })['y']!;
}

function gatherError(x: readonly number[], indices: readonly number[], dtype: 'int32' | 'float32' = 'int32'): GraphError {
  const g = new GraphBuilder('bad');
  g.output(g.node('gatherNd', [g.input('x', x), g.input('i', indices, { dtype })], {}, 'y'));
  try {
    g.build();
  } catch (err) {
    if (err instanceof GraphError) return err;
    throw err;
  }
  throw new Error('expected a GraphError');
}

const argMax = (x: HostTensor, attrs: Attrs) => evaluateOneOp('argMax', x, attrs);

test('argMax: the first maximum wins, -0 equals +0, and the output is int32', () => {
  const y = argMax(tensor('float32', [3, 4], [1, 3, 3, 0, -1, -0, 0, -5, 2, 2, 2, 2]), { axis: 1, keepDims: false });
  expect(y.dtype).toBe('int32');
  expect(y.shape).toEqual([3]);
  expect(Array.from(y.data as Int32Array)).toEqual([1, 1, 0]);
});

test('argMax: NaN is larger than every number, so the first NaN wins', () => {
  // rows: [1, NaN, Inf, NaN] -> 1; [Inf, 2, Inf, 0] -> 0 (no NaN); [NaN, 1, 2, 3] -> 0
  const y = argMax(tensor('float32', [3, 4], [1, NaN, Infinity, NaN, Infinity, 2, Infinity, 0, NaN, 1, 2, 3]), { axis: -1, keepDims: false });
  expect(Array.from(y.data as Int32Array)).toEqual([1, 0, 0]);
});

test('argMax: axis 0 and keepDims by default (the ONNX defaults)', () => {
  // columns [0, 5, 5] -> 1, [7, 7, -1] -> 0, [1, 2, 9] -> 2
  const y = argMax(tensor('float32', [3, 3], [0, 7, 1, 5, 7, 2, 5, -1, 9]), {});
  expect(y.shape).toEqual([1, 3]);
  expect(Array.from(y.data as Int32Array)).toEqual([1, 0, 2]);
  // a middle axis: x[0, :, j] for j = 0, 1
  const z = argMax(tensor('int32', [1, 3, 2], [4, 9, 8, 9, 8, 1]), { axis: 1, keepDims: false });
  expect(z.shape).toEqual([1, 2]);
  expect(Array.from(z.data as Int32Array)).toEqual([1, 0]);
});

test('argMax errors name what was expected', () => {
  expect(oneOpBuildError('argMax', [2, 0], { axis: 1 }).message).toMatch(/axis 1 is empty: expected an axis of size >= 1.*received x \[2,0\]/);
  expect(oneOpBuildError('argMax', [2, 3], { axis: 2 }).message).toMatch(/axis out of range: expected an axis in \[-2, 1\], received 2/);
  expect(oneOpBuildError('argMax', [2, 3], { keepDims: 1 }).message).toMatch(/keepDims/);
  expect(oneOpBuildError('argMax', [2, 3], {}, 'uint8').message).toMatch(/argMax does not read.*float32, float16, float64, int32.*uint8/);
});

test('gatherNd: full coordinates pick elements, shorter ones pick slices', () => {
  const x = tensor('float32', [2, 3], [0, 1, 2, 3, 4, 5]);
  expect(Array.from(gather(x, tensor('int32', [3, 2], [1, 2, 0, 0, 1, 0])).data as Float32Array)).toEqual([5, 0, 3]);
  const rows = gather(x, tensor('int32', [2, 1], [1, 0]));
  expect(rows.shape).toEqual([2, 3]);
  expect(Array.from(rows.data as Float32Array)).toEqual([3, 4, 5, 0, 1, 2]);
  // indices [1, 2, 2]: a [1, 2] grid of coordinates into x [2, 2, 2] -> y [1, 2, 2]
  const cube = tensor('int32', [2, 2, 2], [0, 1, 2, 3, 4, 5, 6, 7]);
  const y = gather(cube, tensor('int32', [1, 2, 2], [1, 1, 0, 1]));
  expect(y.dtype).toBe('int32');
  expect(y.shape).toEqual([1, 2, 2]);
  expect(Array.from(y.data as Int32Array)).toEqual([6, 7, 2, 3]);
});

test('gatherNd: an index outside its axis is undefined, and the reference refuses it', () => {
  const x = tensor('float32', [2, 3], [0, 1, 2, 3, 4, 5]);
  const refuse = (coords: number[]) => {
    try {
      gather(x, tensor('int32', [1, 2], coords));
    } catch (err) {
      if (err instanceof SkipconnError) return `${err.code}: ${err.message}`;
      throw err;
    }
    throw new Error('expected a refusal');
  };
  expect(refuse([0, 3])).toMatch(/INPUT_INVALID: y \(gatherNd\): coordinate \[0, 3\].*outside x \[2,3\]: expected index 1 in \[0, 2\], received 3/);
  expect(refuse([-1, 0])).toMatch(/coordinate \[-1, 0\].*expected index 0 in \[0, 1\], received -1/);
});

test('gatherNd errors name what was expected', () => {
  expect(gatherError([2, 3], [4, 3]).message).toMatch(/indices do not fit x: expected indices of rank >= 1 whose last axis .* in \[1, 2\].*received indices \[4,3\]/);
  expect(gatherError([2, 3], []).message).toMatch(/indices do not fit x/);
  expect(gatherError([2, 3], [4, 2], 'float32').message).toMatch(/indices must be int32: expected int32, received float32/);
});

test('sqrt: IEEE square roots; -0 stays, negatives and NaN give NaN', () => {
  const y = Array.from(evaluateOneOp('sqrt', tensor('float32', [7], [4, 2, -0, Infinity, -1, -Infinity, NaN]), {}).data as Float32Array);
  expect(y.slice(0, 4)).toEqual([2, Math.fround(Math.SQRT2), -0, Infinity]);
  expect(Object.is(y[2], -0)).toBe(true);
  expect(y.slice(4).every(Number.isNaN)).toBe(true);
  expect(oneOpBuildError('sqrt', [2], {}, 'int32').message).toMatch(/must be floating point: expected float32, float16 or float64, received int32/);
});

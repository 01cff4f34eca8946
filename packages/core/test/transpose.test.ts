/**
 * transposeInto against its definition, y[i_0, ..., i_{r-1}] = x[j] with j the source index whose
 * axis perm[a] is i_a, evaluated element by element here: matrices on and off its 32-wide tiles,
 * higher ranks, rank 0 and empty tensors.
 */
import { sizeOf, stridesOf, transposeInto } from '@skipconn/core';

function byDefinition(src: readonly number[], shape: readonly number[], perm: readonly number[]): number[] {
  const outShape = perm.map((a) => shape[a]!);
  const strides = stridesOf(shape);
  const outStrides = stridesOf(outShape);
  return Array.from({ length: sizeOf(outShape) }, (_, o) => {
    let off = 0;
    outShape.forEach((_d, a) => (off += (Math.floor(o / outStrides[a]!) % outShape[a]!) * strides[perm[a]!]!));
    return src[off]!;
  });
}

test.each([
  [
    [3, 5],
    [1, 0],
  ],
  [
    [33, 70],
    [1, 0],
  ],
  [
    [64, 32],
    [1, 0],
  ],
  [
    [1, 100],
    [1, 0],
  ],
  [
    [4, 6],
    [0, 1],
  ],
  [
    [2, 3, 4],
    [2, 0, 1],
  ],
  [
    [2, 3, 4, 5],
    [0, 2, 3, 1],
  ],
  [
    [3, 1, 4, 2],
    [3, 2, 1, 0],
  ],
  [[], []],
  [
    [0, 4],
    [1, 0],
  ],
  [
    [2, 0, 3],
    [2, 1, 0],
  ],
])('shape %j, perm %j', (shape, perm) => {
  const src = Array.from({ length: sizeOf(shape) }, (_, i) => i * 7 + 1);
  const dst = new Float64Array(sizeOf(shape));
  transposeInto(src, shape, perm, dst);
  expect(Array.from(dst)).toEqual(byDefinition(src, shape, perm));
});

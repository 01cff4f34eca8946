/**
 * int32 arithmetic (add, sub, mul with two's complement wrapping, floorDiv rounding toward
 * -Infinity), int32 values through concat and reshape, argMax (ties, NaN) and gatherNd: what a
 * detector's keypoint decoding computes after its heatmaps (MoveNet: argMax of a flattened
 * heatmap, idx // W and idx - (idx // W) * W, gatherNd of the regression maps there).
 */
import type { Layout } from '@skipconn/core';
import { shapeId, values, type CaseDef, type Special } from '../lib';

type Lay = Layout | 'none';

const layoutOf = (l: Lay): Layout | undefined => (l === 'none' ? undefined : l);

function intBinary(op: string, variant: string, a: number[], b: number[], ranges: { a: [number, number]; b: [number, number] }, description?: string): CaseDef {
  return {
    id: `op/${op}/int32/${variant}/none/${shapeId(a)}x${shapeId(b)}`,
    description,
    build: (g) => {
      const x = g.input('a', a, { dtype: 'int32', low: ranges.a[0], high: ranges.a[1] });
      const y = g.input('b', b, { dtype: 'int32', low: ranges.b[0], high: ranges.b[1] });
      g.output(g.node(op, [x, y], {}, 'y'));
    },
  };
}

export function intArithmeticCases(): CaseDef[] {
  const cases: CaseDef[] = [];
  const small: { a: [number, number]; b: [number, number] } = { a: [-1000, 1000], b: [-1000, 1000] };
  for (const op of ['add', 'sub', 'mul']) {
    cases.push(intBinary(op, 'same', [3, 7], [3, 7], small));
    cases.push(intBinary(op, 'broadcast', [2, 1, 4], [3, 1], small, '[2,1,4] op [3,1] -> [2,3,4]'));
    cases.push(intBinary(op, 'scalar', [17], [], small));
    cases.push(intBinary(op, 'zero-size', [0, 3], [3], small));
  }
  // Divisors of both signs, never 0 (undefined): the seeded values are truncated toward zero, so [1, 50) gives 1..49.
  const positive: { a: [number, number]; b: [number, number] } = { a: [-5000, 5000], b: [1, 50] };
  const negative: { a: [number, number]; b: [number, number] } = { a: [-5000, 5000], b: [-50, -1] };
  cases.push(intBinary('floorDiv', 'positive-divisor', [4, 8], [4, 8], positive, 'negative dividends round toward -Infinity'));
  cases.push(intBinary('floorDiv', 'negative-divisor', [4, 8], [4, 8], negative));
  cases.push(intBinary('floorDiv', 'broadcast', [2, 1, 4], [3, 1], positive));
  cases.push(intBinary('floorDiv', 'scalar', [17], [], positive, 'idx // W with a constant W'));
  cases.push(intBinary('floorDiv', 'zero-size', [0, 3], [3], positive));
  cases.push({
    id: 'op/floorDiv/literal/signs/none/[8]',
    why: 'floor toward -Infinity: 7 // 2 = 3; -7 // 2 = -4; 7 // -2 = -4; -7 // -2 = 3; 6 // 3 = 2; -6 // 3 = -2; 0 // -5 = 0; -1 // 48 = -1',
    build: (g) => g.output(g.node('floorDiv', [g.input('a', [8], { dtype: 'int32', values: [7, -7, 7, -7, 6, -6, 0, -1] }), g.input('b', [8], { dtype: 'int32', values: [2, 2, -2, -2, 3, 3, -5, 48] })], {}, 'y')),
    expected: values([3, -4, -4, 3, 2, -2, 0, -1]),
  });
  cases.push({
    id: 'op/floorDiv/literal/large/none/[4]',
    why: '2147483647 // 3 = 715827882; -2147483648 // 7 = -306783379 (-306783378.28 floored); 2000000001 // 7 = 285714285; -2000000001 // -3 = 666666667',
    build: (g) => g.output(g.node('floorDiv', [g.input('a', [4], { dtype: 'int32', values: [2147483647, -2147483648, 2000000001, -2000000001] }), g.input('b', [4], { dtype: 'int32', values: [3, 7, 7, -3] })], {}, 'y')),
    expected: values([715827882, -306783379, 285714285, 666666667]),
  });
  cases.push({
    id: 'op/add/int32/literal/wrap/none/[4]',
    why: "two's complement: 2147483647 + 1 = -2147483648; -2147483648 + -1 = 2147483647; 2e9 + 2e9 = 4e9 - 2^32 = -294967296; 5 + -7 = -2",
    build: (g) => g.output(g.node('add', [g.input('a', [4], { dtype: 'int32', values: [2147483647, -2147483648, 2000000000, 5] }), g.input('b', [4], { dtype: 'int32', values: [1, -1, 2000000000, -7] })], {}, 'y')),
    expected: values([-2147483648, 2147483647, -294967296, -2]),
  });
  cases.push({
    id: 'op/sub/int32/literal/wrap/none/[3]',
    why: "two's complement: -2147483648 - 1 = 2147483647; 2147483647 - -1 = -2147483648; 3 - 10 = -7",
    build: (g) => g.output(g.node('sub', [g.input('a', [3], { dtype: 'int32', values: [-2147483648, 2147483647, 3] }), g.input('b', [3], { dtype: 'int32', values: [1, -1, 10] })], {}, 'y')),
    expected: values([2147483647, -2147483648, -7]),
  });
  cases.push({
    id: 'op/mul/int32/literal/wrap/none/[4]',
    why: "two's complement: 65536 * 65536 = 2^32 -> 0; 70000 * 70000 = 4.9e9 - 2^32 = 605032704; -46341 * 46341 = -2147488281 + 2^32 = 2147479015; -12 * 48 = -576",
    build: (g) => g.output(g.node('mul', [g.input('a', [4], { dtype: 'int32', values: [65536, 70000, -46341, -12] }), g.input('b', [4], { dtype: 'int32', values: [65536, 70000, 46341, 48] })], {}, 'y')),
    expected: values([0, 605032704, 2147479015, -576]),
  });
  cases.push({
    id: 'op/mul/int32/literal/wrap-large/none/[3]',
    why: "two's complement of products past float64's 2^53: (2^31 - 1)^2 = 2^62 - 2^32 + 1 -> 1; 123456789 * 987654321 = 121932631112635269 -> -67153019; -2^31 * 3 = -6442450944 -> -2^31",
    build: (g) => g.output(g.node('mul', [g.input('a', [3], { dtype: 'int32', values: [2147483647, 123456789, -2147483648] }), g.input('b', [3], { dtype: 'int32', values: [2147483647, 987654321, 3] })], {}, 'y')),
    expected: values([1, -67153019, -2147483648]),
  });
  // The decoding itself: a flat index split into row and column of a 48-wide grid.
  cases.push({
    id: 'op/floorDiv/int32/row-col/none/[17]',
    description: 'row = idx // 48, col = idx - row * 48 (MoveNet decoding), both outputs int32',
    build: (g) => {
      const idx = g.input('idx', [17], { dtype: 'int32', low: 0, high: 2304 });
      const w = g.literal('w', [], [48], 'int32');
      const row = g.node('floorDiv', [idx, w], {}, 'row');
      g.output(row, g.node('sub', [idx, g.node('mul', [row, w], {}, 'scaled')], {}, 'col'));
    },
  });
  // int32 values through the data-movement ops: concat of columns (a coordinate list), reshape.
  cases.push({
    id: 'op/concat/int32/coordinates/NC/[17,1]x3',
    description: 'three int32 columns joined into [17, 3] coordinates (TF Pack on axis 1)',
    build: (g) => {
      const cols = ['b', 'r', 'c'].map((n) => g.input(n, [17, 1], { dtype: 'int32', layout: 'NC', low: -1e6, high: 1e6 }));
      g.output(g.node('concat', cols, {}, 'y'));
    },
  });
  cases.push({
    id: 'op/reshape/int32/none/[1,17]',
    build: (g) => g.output(g.node('reshape', [g.input('x', [1, 17], { dtype: 'int32', low: -2e9, high: 2e9 })], { shape: [17, 1] }, 'y')),
  });
  return cases;
}

function argMaxCase(variant: string, layout: Lay, shape: number[], attrs: Record<string, unknown>, opts: { dtype?: 'int32' | 'float16'; low?: number; high?: number; description?: string } = {}): CaseDef {
  return {
    id: `op/argMax/${variant}/${layout}/${shapeId(shape)}${opts.dtype ? `/${opts.dtype}` : ''}`,
    description: opts.description,
    build: (g) => g.output(g.node('argMax', [g.input('x', shape, { layout: layoutOf(layout), dtype: opts.dtype, low: opts.low, high: opts.high })], attrs, 'y')),
  };
}

export function argMaxCases(): CaseDef[] {
  const cases: CaseDef[] = [];
  cases.push(argMaxCase('default', 'none', [5, 7], {}, { description: 'axis 0, keepDims true (the ONNX defaults)' }));
  cases.push(argMaxCase('last-axis', 'none', [3, 2304], { axis: -1, keepDims: false }, { description: 'a flattened 48x48 heatmap per row' }));
  cases.push(argMaxCase('middle-axis', 'none', [1, 2304, 17], { axis: 1, keepDims: false }, { description: 'MoveNet: 17 keypoint heatmaps flattened, [1, H*W, 17] -> [1, 17]' }));
  cases.push(argMaxCase('channels', 'NCHW', [2, 5, 3, 4], { axis: 1 }, { description: 'keepDims on an image: [2, 1, 3, 4]' }));
  cases.push(argMaxCase('channels', 'NHWC', [2, 3, 4, 5], { axis: 3, keepDims: false }));
  cases.push(argMaxCase('rank1', 'none', [9], { keepDims: false }, { description: 'a rank-0 result' }));
  cases.push(argMaxCase('zero-size', 'none', [0, 6], { axis: 1 }, { description: 'an empty batch: an empty result' }));
  cases.push(argMaxCase('int32', 'none', [4, 6], { axis: 1 }, { dtype: 'int32', low: -20, high: 20, description: 'int32 input, ties among the small integers' }));
  cases.push(argMaxCase('large', 'none', [4, 6], { axis: 1 }, { low: -1e30, high: 1e30 }));
  cases.push(argMaxCase('float16', 'none', [4, 6], { axis: 1 }, { dtype: 'float16', low: -4, high: 4 }));
  cases.push({
    id: 'op/argMax/literal/ties/none/[4,5]',
    why: 'the first maximum wins: [1,3,3,0,3] -> 1; [2,2,2,2,2] -> 0; [-1,-0,0,-5,0] -> 1 (-0 equals +0); [-Infinity,-Infinity,-7,-7,-Infinity] -> 2',
    build: (g) => g.output(g.node('argMax', [g.input('x', [4, 5], { values: [1, 3, 3, 0, 3, 2, 2, 2, 2, 2, -1, '-0', 0, -5, 0, '-Infinity', '-Infinity', -7, -7, '-Infinity'] })], { axis: 1, keepDims: false }, 'y')),
    expected: values([1, 0, 1, 2]),
  });
  cases.push({
    id: 'op/argMax/literal/nan/none/[4,5]',
    why: 'NaN is larger than every number, so the first NaN wins: [1,NaN,3,NaN,0] -> 1; [NaN,1,2,3,4] -> 0; [1,5,5,Infinity,NaN] -> 4; [Infinity,1,Infinity,0,-1] -> 0 (no NaN: the first Infinity)',
    build: (g) =>
      g.output(g.node('argMax', [g.input('x', [4, 5], { values: [1, 'NaN', 3, 'NaN', 0, 'NaN', 1, 2, 3, 4, 1, 5, 5, 'Infinity', 'NaN', 'Infinity', 1, 'Infinity', 0, -1] })], { axis: 1, keepDims: false }, 'y')),
    expected: values([1, 0, 4, 0]),
  });
  cases.push({
    id: 'op/argMax/literal/columns/none/[3,3]',
    why: 'axis 0 with keepDims: columns [0,5,5], [7,7,-1], [NaN,2,NaN] -> [[1, 0, 0]]',
    build: (g) => g.output(g.node('argMax', [g.input('x', [3, 3], { values: [0, 7, 'NaN', 5, 7, 2, 5, -1, 'NaN'] })], { axis: 0 }, 'y')),
    expected: values([1, 0, 0]),
  });
  return cases;
}

const GATHER_SPECIALS: Record<number, Special> = { 0: 'NaN', 1: 'Infinity', 2: '-Infinity', 3: '-0', 4: 1e30, 5: -1e30 };

function gatherCase(variant: string, x: number[], indices: number[], description?: string, xLayout: Lay = 'none', special?: Record<number, Special>): CaseDef {
  const k = indices[indices.length - 1]!;
  return {
    id: `op/gatherNd/${variant}/${xLayout}/${shapeId(x)}x${shapeId(indices)}`,
    description,
    build: (g) => {
      const data = g.input('x', x, { layout: layoutOf(xLayout), special });
      // One input per coordinate column, each in range for its axis, joined into the index list.
      const rows = indices.slice(0, -1);
      const flat = rows.reduce((p, d) => p * d, 1);
      const cols = Array.from({ length: k }, (_, a) => g.input(`i${a}`, [flat, 1], { dtype: 'int32', layout: 'NC', low: 0, high: x[a]! }));
      const joined = cols.length === 1 ? cols[0]! : g.node('concat', cols, {}, 'coordinates');
      const idx = g.node('reshape', [joined], { shape: indices }, 'indices');
      g.output(g.node('gatherNd', [data, idx], {}, 'y'));
    },
  };
}

export function gatherNdCases(): CaseDef[] {
  return [
    gatherCase('elements', [4, 5], [6, 2], 'K = rank: one element per coordinate'),
    gatherCase('rows', [4, 5], [3, 1], 'K = 1: whole rows'),
    gatherCase('keypoint-offsets', [1, 48, 48, 34], [17, 3], 'MoveNet: [b, row, col] picks 34 regression values at each of 17 keypoints', 'NHWC'),
    gatherCase('keypoint-scores', [1, 48, 48, 17], [17, 4], 'MoveNet: [b, row, col, k] picks one score per keypoint', 'NHWC'),
    gatherCase('batched-indices', [3, 4, 5], [2, 3, 2], 'indices of rank 3: a [2, 3] grid of coordinates, each picking a row of 5'),
    gatherCase('zero-size', [4, 5], [0, 2], 'no coordinates: an empty result'),
    // Every row of x holds one of each special, so any coordinate list copies some of them.
    gatherCase(
      'specials',
      [3, 6],
      [4, 1],
      'NaN, +-Infinity, -0 and +-1e30 are copied bit for bit',
      'none',
      Object.fromEntries([0, 1, 2].flatMap((r) => Object.entries(GATHER_SPECIALS).map(([i, v]) => [r * 6 + Number(i), v]))),
    ),
    {
      id: 'op/gatherNd/literal/none/[2,3]x[3,2]',
      why: 'x = [[0,1,2],[3,4,5]]: [1,2] -> 5; [0,0] -> 0; [1,0] -> 3',
      build: (g) => g.output(g.node('gatherNd', [g.input('x', [2, 3], { values: [0, 1, 2, 3, 4, 5] }), g.input('indices', [3, 2], { dtype: 'int32', values: [1, 2, 0, 0, 1, 0] })], {}, 'y')),
      expected: values([5, 0, 3]),
    },
  ];
}

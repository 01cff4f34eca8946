/**
 * The GEMM-based conv2d, dense and matmul kernels against the direct loops that define them,
 * written out here one output at a time (an independent implementation of the documented
 * semantics). The fast kernels keep each output's order of additions, so the comparison is
 * bit-for-bit: Object.is on every element, which also tells -0 from 0 and needs NaN to meet NaN.
 */
import { GraphBuilder, evaluateGraph, seededRandom, tensor, type Attrs, type Layout } from '../src';

function values(size: number, seed: number, specials: boolean): Float64Array {
  const next = seededRandom(seed);
  const out = new Float64Array(size);
  for (let i = 0; i < size; i++) out[i] = 2 * next() - 1;
  if (specials && size > 3) {
    out[Math.floor(next() * size)] = NaN;
    out[Math.floor(next() * size)] = Infinity;
    out[Math.floor(next() * size)] = -0;
  }
  return out;
}

function evaluate(op: string, ins: readonly { shape: number[]; data: Float64Array; layout?: Layout }[], attrs: Attrs): Float64Array {
  const b = new GraphBuilder('exact');
  const names = ins.map((t, i) => b.input(`in${i}`, t.shape, { dtype: 'float64', layout: t.layout }));
  b.output(b.node(op, names, attrs, 'y'));
  const { validated, weights } = b.build();
  const feeds = Object.fromEntries(ins.map((t, i) => [`in${i}`, tensor('float64', t.shape, t.data)]));
  return evaluateGraph(validated, weights, feeds, { float64: true })['y']!.data as Float64Array;
}

function expectBitwiseEqual(got: Float64Array, want: Float64Array): void {
  expect(got.length).toBe(want.length);
  const differing: string[] = [];
  for (let i = 0; i < want.length && differing.length < 5; i++) if (!Object.is(got[i], want[i])) differing.push(`[${i}] got ${got[i]}, want ${want[i]}`);
  expect(differing).toEqual([]);
}

interface ConvCase {
  n: number;
  c: number;
  h: number;
  w: number;
  o: number;
  k: [number, number];
  strides: [number, number];
  pads: [number, number, number, number];
  dilations: [number, number];
  groups: number;
  bias: boolean;
}

/** The direct convolution: one output at a time, sum from -0 over (ci, p, q), bias last. */
function directConv(x: Float64Array, wt: Float64Array, bias: Float64Array | undefined, t: ConvCase, layout: Layout): Float64Array {
  const [kh, kw] = t.k;
  const oh = Math.floor((t.h + t.pads[0] + t.pads[2] - t.dilations[0] * (kh - 1) - 1) / t.strides[0]) + 1;
  const ow = Math.floor((t.w + t.pads[1] + t.pads[3] - t.dilations[1] * (kw - 1) - 1) / t.strides[1]) + 1;
  const perGroup = t.c / t.groups;
  const outPerGroup = t.o / t.groups;
  const xAt = (n: number, c: number, i: number, j: number): number => (layout === 'NCHW' ? ((n * t.c + c) * t.h + i) * t.w + j : ((n * t.h + i) * t.w + j) * t.c + c);
  const yAt = (n: number, c: number, i: number, j: number): number => (layout === 'NCHW' ? ((n * t.o + c) * oh + i) * ow + j : ((n * oh + i) * ow + j) * t.o + c);
  const y = new Float64Array(t.n * t.o * oh * ow);
  for (let n = 0; n < t.n; n++)
    for (let o = 0; o < t.o; o++)
      for (let i = 0; i < oh; i++)
        for (let j = 0; j < ow; j++) {
          let sum = -0;
          const first = Math.floor(o / outPerGroup) * perGroup;
          for (let ci = 0; ci < perGroup; ci++)
            for (let p = 0; p < kh; p++)
              for (let q = 0; q < kw; q++) {
                const ih = i * t.strides[0] - t.pads[0] + p * t.dilations[0];
                const iw = j * t.strides[1] - t.pads[1] + q * t.dilations[1];
                const v = ih >= 0 && ih < t.h && iw >= 0 && iw < t.w ? x[xAt(n, first + ci, ih, iw)]! : 0;
                sum += v * wt[((o * perGroup + ci) * kh + p) * kw + q]!;
              }
          y[yAt(n, o, i, j)] = bias === undefined ? sum : sum + bias[o]!;
        }
  return y;
}

const CONVS: ConvCase[] = [
  { n: 1, c: 3, h: 9, w: 7, o: 5, k: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1], groups: 1, bias: true },
  { n: 2, c: 4, h: 8, w: 8, o: 6, k: [3, 2], strides: [2, 1], pads: [0, 1, 2, 0], dilations: [1, 2], groups: 2, bias: false },
  { n: 1, c: 6, h: 5, w: 6, o: 6, k: [3, 3], strides: [1, 2], pads: [1, 1, 1, 1], dilations: [1, 1], groups: 6, bias: true },
  { n: 3, c: 7, h: 4, w: 5, o: 9, k: [1, 1], strides: [1, 1], pads: [0, 0, 0, 0], dilations: [1, 1], groups: 1, bias: true },
  { n: 1, c: 2, h: 11, w: 10, o: 3, k: [5, 5], strides: [3, 2], pads: [2, 3, 1, 0], dilations: [2, 1], groups: 1, bias: true },
];

describe('conv2d (im2col + GEMM) equals the direct loop bit for bit', () => {
  CONVS.forEach((t, index) => {
    for (const layout of ['NCHW', 'NHWC'] as const) {
      for (const specials of [false, true]) {
        test(`case ${index} ${layout}${specials ? ' with NaN, Infinity and -0' : ''}`, () => {
          const xShape = layout === 'NCHW' ? [t.n, t.c, t.h, t.w] : [t.n, t.h, t.w, t.c];
          const x = values(t.n * t.c * t.h * t.w, 1 + index, specials);
          const w = values(t.o * (t.c / t.groups) * t.k[0] * t.k[1], 100 + index, specials);
          const b = t.bias ? values(t.o, 200 + index, false) : undefined;
          const ins = [{ shape: xShape, data: x, layout }, { shape: [t.o, t.c / t.groups, ...t.k], data: w }, ...(b ? [{ shape: [t.o], data: b }] : [])];
          const got = evaluate('conv2d', ins, { strides: t.strides, pads: t.pads, dilations: t.dilations, groups: t.groups });
          expectBitwiseEqual(got, directConv(x, w, b, t, layout));
        });
      }
    }
  });

  test('an all -0 sum stays -0 without a bias and a padded NaN weight poisons the border outputs', () => {
    const t: ConvCase = { n: 1, c: 1, h: 3, w: 3, o: 1, k: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1], groups: 1, bias: false };
    const x = new Float64Array(9).fill(-0);
    const w = new Float64Array(9).fill(1);
    const pads = { pads: t.pads };
    const allNegZero = evaluate(
      'conv2d',
      [
        { shape: [1, 1, 3, 3], data: x, layout: 'NCHW' },
        { shape: [1, 1, 3, 3], data: w },
      ],
      pads,
    );
    // -0 * 1 = -0 and -0 + -0 = -0; padded taps are +0 * 1 = +0, and -0 + +0 = +0: only the
    // centre output, whose window is all inside, stays -0.
    expect(Array.from(allNegZero, (v) => Object.is(v, -0))).toEqual([false, false, false, false, true, false, false, false, false]);
    expectBitwiseEqual(allNegZero, directConv(x, w, undefined, t, 'NCHW'));
    // The top-left tap reads a padded 0 for the first row and column of outputs; 0 * NaN is NaN,
    // so every output is NaN, not only those whose tap lies inside the image.
    w[0] = NaN;
    const poisoned = evaluate(
      'conv2d',
      [
        { shape: [1, 1, 3, 3], data: new Float64Array(9).fill(1), layout: 'NCHW' },
        { shape: [1, 1, 3, 3], data: w },
      ],
      pads,
    );
    expect(Array.from(poisoned, Number.isNaN)).toEqual([true, true, true, true, true, true, true, true, true]);
  });
});

describe('dense and matmul (GEMM) equal the direct loops bit for bit', () => {
  test.each([
    [1, 1, 1],
    [3, 5, 7],
    [9, 17, 4],
    [1, 2048, 10],
    [13, 8, 0],
  ])('dense rows %i, in %i, out %i', (rows, inF, outF) => {
    const x = values(rows * inF, 7, true);
    const w = values(outF * inF, 8, true);
    const b = values(outF, 9, false);
    const got = evaluate(
      'dense',
      [
        { shape: [rows, inF], data: x },
        { shape: [outF, inF], data: w },
        { shape: [outF], data: b },
      ],
      {},
    );
    const want = new Float64Array(rows * outF);
    for (let m = 0; m < rows; m++)
      for (let o = 0; o < outF; o++) {
        let sum = 0;
        for (let k = 0; k < inF; k++) sum += x[m * inF + k]! * w[o * inF + k]!;
        want[m * outF + o] = sum + b[o]!;
      }
    expectBitwiseEqual(got, want);
  });

  test.each([
    [
      [2, 3, 5],
      [2, 5, 6],
    ],
    [
      [5, 7],
      [7, 1],
    ],
    [
      [3, 1, 4, 2],
      [1, 2, 2, 9],
    ],
    [
      [6, 0],
      [0, 3],
    ],
  ])('matmul %j @ %j', (sa, sb) => {
    const a = values(
      sa.reduce((p, d) => p * d, 1),
      11,
      true,
    );
    const b = values(
      sb.reduce((p, d) => p * d, 1),
      12,
      true,
    );
    const got = evaluate(
      'matmul',
      [
        { shape: sa, data: a },
        { shape: sb, data: b },
      ],
      {},
    );
    // Direct loop over the broadcast batch: every batch axis here is either equal or 1 on one side.
    const m = sa[sa.length - 2]!,
      k = sa[sa.length - 1]!,
      n = sb[sb.length - 1]!;
    const batchA = sa.slice(0, -2),
      batchB = sb.slice(0, -2);
    const batch = batchA.map((d, i) => Math.max(d, batchB[i]!));
    const items = batch.reduce((p, d) => p * d, 1);
    const want = new Float64Array(items * m * n);
    for (let t = 0; t < items; t++) {
      let rem = t,
        ta = 0,
        tb = 0;
      for (let axis = batch.length - 1, sA = 1, sB = 1; axis >= 0; axis--) {
        const coord = rem % batch[axis]!;
        rem = Math.floor(rem / batch[axis]!);
        if (batchA[axis] !== 1) ta += coord * sA;
        if (batchB[axis] !== 1) tb += coord * sB;
        sA *= batchA[axis]!;
        sB *= batchB[axis]!;
      }
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) {
          let sum = 0;
          for (let p = 0; p < k; p++) sum += a[ta * m * k + i * k + p]! * b[tb * k * n + p * n + j]!;
          want[t * m * n + i * n + j] = sum;
        }
    }
    expectBitwiseEqual(got, want);
  });
});

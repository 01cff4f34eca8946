/**
 * Spatial ops (conv2d, convTranspose2d, maxPool2d, avgPool2d, globalAvgPool, resize, pad): shape
 * rules, errors and numerics on small hand-computed cases. Each expected value has its arithmetic
 * next to it. Cases are written in NCHW; `both` also runs them in NHWC (input transposed) and
 * checks that the NHWC output, transposed back, is the NCHW output.
 */
import { GraphBuilder, GraphError, evaluateGraph, tensor, type Attrs, type HostTensor, type Layout } from '../src';

const f32 = (shape: number[], data: number[]): HostTensor => tensor('float32', shape, data);
const range = (n: number, from = 1): number[] => Array.from({ length: n }, (_, i) => from + i);

/** NCHW [n, c, h, w] data -> NHWC data. */
function toNhwc([n, c, h, w]: number[], data: number[]): number[] {
  const out: number[] = [];
  for (let a = 0; a < n!; a++) for (let y = 0; y < h!; y++) for (let x = 0; x < w!; x++) for (let k = 0; k < c!; k++) out.push(data[((a * c! + k) * h! + y) * w! + x]!);
  return out;
}

/** NHWC [n, h, w, c] data -> NCHW data. */
function toNchw([n, h, w, c]: number[], data: number[]): number[] {
  const out: number[] = [];
  for (let a = 0; a < n!; a++) for (let k = 0; k < c!; k++) for (let y = 0; y < h!; y++) for (let x = 0; x < w!; x++) out.push(data[((a * h! + y) * w! + x) * c! + k]!);
  return out;
}

interface Result {
  /** NCHW shape and data, whatever layout ran. */
  readonly shape: number[];
  readonly data: number[];
}

/** Runs one op node 'n' on x (given in NCHW) in `layout`; weights are layout-independent. */
function runOp(op: string, layout: 'NCHW' | 'NHWC', shape: number[], data: number[], attrs: Attrs = {}, weights: HostTensor[] = []): Result {
  const [n, c, h, w] = shape as [number, number, number, number];
  const inShape = layout === 'NCHW' ? shape : [n, h, w, c];
  const b = new GraphBuilder();
  const x = b.input('x', inShape, { layout });
  b.output(b.node(op, [x, ...weights.map((t, i) => b.weight(`w${i}`, t))], attrs, 'n'));
  const { validated, weights: store } = b.build();
  const out = evaluateGraph(validated, store, { x: f32(inShape, layout === 'NCHW' ? data : toNhwc(shape, data)) }, { float64: true });
  const y = out['n']!;
  const values = Array.from(y.data as Float64Array);
  expect(validated.values.get('n')!.layout).toBe(layout);
  if (layout === 'NCHW') return { shape: [...y.shape], data: values };
  const [yn, yh, yw, yc] = y.shape as [number, number, number, number];
  return { shape: [yn, yc, yh, yw], data: toNchw([...y.shape], values) };
}

/** Runs in NCHW and NHWC, checks they agree, returns the NCHW result. */
function both(op: string, shape: number[], data: number[], attrs: Attrs = {}, weights: HostTensor[] = []): Result {
  const nchw = runOp(op, 'NCHW', shape, data, attrs, weights);
  expect(runOp(op, 'NHWC', shape, data, attrs, weights)).toEqual(nchw);
  return nchw;
}

/** Catches the GraphError of building a one-node graph named 'n' and checks it names node, op, expected and received. */
function buildError(op: string, x: { shape: number[]; layout?: Layout }, attrs: Attrs = {}, weights: HostTensor[] = []): GraphError {
  const b = new GraphBuilder();
  const xi = b.input('x', x.shape, x.layout ? { layout: x.layout } : {});
  b.output(b.node(op, [xi, ...weights.map((t, i) => b.weight(`w${i}`, t))], attrs, 'n'));
  let err: unknown;
  try {
    b.build();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(GraphError);
  const g = err as GraphError;
  expect(g.message.startsWith(`node 'n' (${op}): `)).toBe(true);
  expect(g.message).toContain(`expected ${g.expected}`);
  expect(g.message).toContain(`received ${g.received}`);
  return g;
}

const NCHW = (...shape: number[]) => ({ shape, layout: 'NCHW' as const });

// x = 1..9 as a [1,1,3,3] image:
//   1 2 3
//   4 5 6
//   7 8 9
const X9 = range(9);

describe('conv2d', () => {
  it('2x2 kernel of ones, stride 1, both layouts', () => {
    const y = both('conv2d', [1, 1, 3, 3], X9, {}, [f32([1, 1, 2, 2], [1, 1, 1, 1])]);
    expect(y.shape).toEqual([1, 1, 2, 2]);
    // top-left 1+2+4+5 = 12, top-right 2+3+5+6 = 16, bottom-left 4+5+7+8 = 24, bottom-right 5+6+8+9 = 28
    expect(y.data).toEqual([12, 16, 24, 28]);
  });

  it('3x3 ones with pads [1,1,1,1] and bias 10 (same padding)', () => {
    const y = both('conv2d', [1, 1, 3, 3], X9, { pads: [1, 1, 1, 1] }, [f32([1, 1, 3, 3], Array(9).fill(1)), f32([1], [10])]);
    expect(y.shape).toEqual([1, 1, 3, 3]);
    // neighbourhood sums + 10: corners 1+2+4+5=12 -> 22, 2+3+5+6=16 -> 26, 4+5+7+8=24 -> 34, 5+6+8+9=28 -> 38;
    // edges 1+..+6=21 -> 31, 1+2+4+5+7+8=27 -> 37, 2+3+5+6+8+9=33 -> 43, 4+..+9=39 -> 49; centre 45 -> 55
    expect(y.data).toEqual([22, 31, 26, 37, 55, 43, 34, 49, 38]);
  });

  it('stride 2 with asymmetric pads [0,0,1,1]', () => {
    const y = both('conv2d', [1, 1, 3, 3], X9, { strides: [2, 2], pads: [0, 0, 1, 1] }, [f32([1, 1, 2, 2], [1, 1, 1, 1])]);
    // out = floor((3 + 0 + 1 - 2) / 2) + 1 = 2 per axis; windows at rows/cols {0,1} and {2,3} (3 is padding):
    // 1+2+4+5 = 12, 3+6 = 9, 7+8 = 15, 9
    expect(y).toEqual({ shape: [1, 1, 2, 2], data: [12, 9, 15, 9] });
  });

  it('dilation 2 spreads a 2x2 kernel over 3x3', () => {
    const y = both('conv2d', [1, 1, 3, 3], X9, { dilations: [2, 2] }, [f32([1, 1, 2, 2], [1, 1, 1, 1])]);
    // effective kernel 3: one output reading the corners 1+3+7+9 = 20
    expect(y).toEqual({ shape: [1, 1, 1, 1], data: [20] });
  });

  it('weights are [O, I, kH, kW] in both layouts: an asymmetric kernel over two channels', () => {
    // channel 0 = 1..4, channel 1 = all 10; w[0,0] = [1,2,3,4], w[0,1] = [0,0,0,1]
    const y = both('conv2d', [1, 2, 2, 2], [1, 2, 3, 4, 10, 10, 10, 10], {}, [f32([1, 2, 2, 2], [1, 2, 3, 4, 0, 0, 0, 1])]);
    // 1*1 + 2*2 + 3*3 + 4*4 + 10*1 = 30 + 10 = 40
    expect(y).toEqual({ shape: [1, 1, 1, 1], data: [40] });
  });

  it('groups 2: each output channel reads its own group of input channels', () => {
    // x channel 0 = [1,2], channel 1 = [3,4]; w [4,1,1,1] = [1,2,3,4]; out channels 0,1 read channel 0; 2,3 read channel 1
    const y = both('conv2d', [1, 2, 1, 2], [1, 2, 3, 4], { groups: 2 }, [f32([4, 1, 1, 1], [1, 2, 3, 4])]);
    // o0 = 1*[1,2] = [1,2], o1 = 2*[1,2] = [2,4], o2 = 3*[3,4] = [9,12], o3 = 4*[3,4] = [12,16]
    expect(y).toEqual({ shape: [1, 4, 1, 2], data: [1, 2, 2, 4, 9, 12, 12, 16] });
  });

  it('zero-size batch gives a zero-size batch', () => {
    expect(both('conv2d', [0, 1, 3, 3], [], {}, [f32([2, 1, 2, 2], Array(8).fill(1))])).toEqual({ shape: [0, 2, 2, 2], data: [] });
  });

  it('errors name node, op, expected and received', () => {
    // weight in-channels 2 but x has 3 channels, groups 1
    let e = buildError('conv2d', NCHW(1, 3, 4, 4), {}, [f32([8, 2, 3, 3], Array(144).fill(0))]);
    expect(e.code).toBe('SHAPE_MISMATCH');
    expect(e.expected).toContain('w [outChannels, 3, kH, kW] (inChannels 3 / groups 1)');
    expect(e.received).toContain('w [8,2,3,3]');
    // 3 input channels cannot split into 2 groups
    e = buildError('conv2d', NCHW(1, 3, 4, 4), { groups: 2 }, [f32([2, 1, 1, 1], [1, 1])]);
    expect(e.expected).toContain('inChannels 3 divisible by groups 2');
    // out channels 3 not divisible by groups 2
    e = buildError('conv2d', NCHW(1, 4, 4, 4), { groups: 2 }, [f32([3, 2, 1, 1], Array(6).fill(0))]);
    expect(e.received).toContain('w [3,2,1,1]');
    // bias of the wrong length
    e = buildError('conv2d', NCHW(1, 1, 4, 4), {}, [f32([2, 1, 1, 1], [1, 1]), f32([3], [0, 0, 0])]);
    expect([e.expected, e.received]).toEqual(['b [2] (outChannels of w)', 'b [3]']);
    // kernel 3 does not fit 2x2 without pads: out = floor((2 - 3) / 1) + 1 = 0
    e = buildError('conv2d', NCHW(1, 1, 2, 2), {}, [f32([1, 1, 3, 3], Array(9).fill(0))]);
    expect(e.received).toBe('output [0,0] from input [2,2], kernel [3,3], pads [0,0,0,0], dilations [1,1]');
    // weight of rank 3, empty kernel, no image layout
    expect(buildError('conv2d', NCHW(1, 1, 2, 2), {}, [f32([1, 1, 1], [1])]).expected).toBe('rank 4');
    expect(buildError('conv2d', NCHW(1, 1, 2, 2), {}, [f32([1, 1, 0, 1], [])]).received).toBe('w [1,1,0,1]');
    expect(buildError('conv2d', { shape: [1, 1, 2, 2] }, {}, [f32([1, 1, 1, 1], [1])]).expected).toBe('layout NCHW or NHWC');
    // attributes
    expect(buildError('conv2d', NCHW(1, 1, 2, 2), { strides: [0, 1] }, [f32([1, 1, 1, 1], [1])]).expected).toBe('a list of 2 integers >= 1');
    expect(buildError('conv2d', NCHW(1, 1, 2, 2), { pads: [1, 1, 1] }, [f32([1, 1, 1, 1], [1])]).expected).toBe('a list of 4 integers >= 0');
    expect(buildError('conv2d', NCHW(1, 1, 2, 2), { groups: 0 }, [f32([1, 1, 1, 1], [1])]).code).toBe('ATTRIBUTE_INVALID');
    expect(buildError('conv2d', NCHW(1, 1, 2, 2), { stride: [1, 1] }, [f32([1, 1, 1, 1], [1])]).received).toBe('stride');
  });
});

describe('convTranspose2d', () => {
  it('2x2 ones, stride 1: each input spreads over a 2x2 block', () => {
    const y = both('convTranspose2d', [1, 1, 2, 2], [1, 2, 3, 4], {}, [f32([1, 1, 2, 2], [1, 1, 1, 1])]);
    // out = (2-1)*1 + 1*(2-1) + 1 = 3; overlaps: centre 1+2+3+4 = 10, edges 1+2=3, 1+3=4, 2+4=6, 3+4=7
    expect(y).toEqual({ shape: [1, 1, 3, 3], data: [1, 3, 2, 4, 10, 6, 3, 7, 4] });
  });

  it('stride 2: non-overlapping 2x2 blocks (2x upsampling)', () => {
    const y = both('convTranspose2d', [1, 1, 2, 2], [1, 2, 3, 4], { strides: [2, 2] }, [f32([1, 1, 2, 2], [1, 1, 1, 1])]);
    // out = (2-1)*2 + (2-1) + 1 = 4
    expect(y).toEqual({ shape: [1, 1, 4, 4], data: [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4] });
  });

  it('pads crop, outputPadding extends, bias adds', () => {
    const y = both('convTranspose2d', [1, 1, 2, 2], [1, 2, 3, 4], { strides: [2, 2], pads: [1, 1, 1, 1], outputPadding: [1, 1] }, [f32([1, 1, 2, 2], [1, 1, 1, 1]), f32([1], [0.5])]);
    // out = (2-1)*2 - 1 - 1 + (2-1) + 1 + 1 = 3. The full 5x5 result (4x4 blocks + an outputPadding row/col of 0)
    // cropped by 1 at top/left: rows 1..3, cols 1..3 = [1,2,2],[3,4,4],[3,4,4]; + 0.5
    expect(y).toEqual({ shape: [1, 1, 3, 3], data: [1.5, 2.5, 2.5, 3.5, 4.5, 4.5, 3.5, 4.5, 4.5] });
  });

  it('dilation: kernel taps land dilation apart', () => {
    const y = both('convTranspose2d', [1, 1, 1, 2], [1, 2], { dilations: [1, 2] }, [f32([1, 1, 1, 2], [1, 10])]);
    // W out = (2-1) + 2*(2-1) + 1 = 4; ow = j + 2q: j0 -> 0 (1*1), 2 (1*10); j1 -> 1 (2*1), 3 (2*10)
    expect(y).toEqual({ shape: [1, 1, 1, 4], data: [1, 2, 10, 20] });
  });

  it('weights are [I, O/groups, kH, kW]; groups split the channels', () => {
    // groups 1, x = [1, 2] over 2 channels, w[c, o] = [[1,2],[3,4]]: o0 = 1*1 + 2*3 = 7, o1 = 1*2 + 2*4 = 10
    expect(both('convTranspose2d', [1, 2, 1, 1], [1, 2], {}, [f32([2, 2, 1, 1], [1, 2, 3, 4])])).toEqual({ shape: [1, 2, 1, 1], data: [7, 10] });
    // groups 2, w [2,1,1,1] = [3,4]: o0 = 1*3 = 3, o1 = 2*4 = 8
    expect(both('convTranspose2d', [1, 2, 1, 1], [1, 2], { groups: 2 }, [f32([2, 1, 1, 1], [3, 4])])).toEqual({ shape: [1, 2, 1, 1], data: [3, 8] });
  });

  it('zero-size batch', () => {
    expect(both('convTranspose2d', [0, 1, 2, 2], [], { strides: [2, 2] }, [f32([1, 3, 2, 2], Array(12).fill(1))])).toEqual({ shape: [0, 3, 4, 4], data: [] });
  });

  it('errors name node, op, expected and received', () => {
    // w's first axis must be the input channels (3)
    let e = buildError('convTranspose2d', NCHW(1, 3, 2, 2), {}, [f32([2, 3, 1, 1], Array(6).fill(0))]);
    expect(e.expected).toContain('w [3, outChannels/1, kH, kW]');
    expect(e.received).toContain('w [2,3,1,1]');
    // outputPadding 2 is not below stride 2 or dilation 1
    e = buildError('convTranspose2d', NCHW(1, 1, 2, 2), { strides: [2, 2], outputPadding: [2, 0] }, [f32([1, 1, 1, 1], [1])]);
    expect([e.code, e.received]).toEqual(['ATTRIBUTE_INVALID', '[2,0]']);
    // out H = (1-1)*1 - 1 - 0 + 0 + 0 + 1 = 0
    e = buildError('convTranspose2d', NCHW(1, 1, 1, 1), { pads: [1, 0, 0, 0] }, [f32([1, 1, 1, 1], [1])]);
    expect(e.received).toBe('output [0,1] from input [1,1], kernel [1,1], pads [1,0,0,0], dilations [1,1]');
    // bias must have w[1] * groups = 4 entries
    e = buildError('convTranspose2d', NCHW(1, 2, 1, 1), { groups: 2 }, [f32([2, 2, 1, 1], [1, 1, 1, 1]), f32([2], [0, 0])]);
    expect([e.expected, e.received]).toEqual(['b [4] (w[1] * groups)', 'b [2]']);
  });
});

describe('maxPool2d', () => {
  it('2x2 window, stride 1, two channels, both layouts', () => {
    // channel 0 = 1..9, channel 1 = -(1..9)
    const y = both('maxPool2d', [1, 2, 3, 3], [...X9, ...X9.map((v) => -v)], { kernel: [2, 2] });
    // ch0: max(1,2,4,5)=5, max(2,3,5,6)=6, 8, 9; ch1: max(-1,-2,-4,-5)=-1, -2, -4, -5
    expect(y).toEqual({ shape: [1, 2, 2, 2], data: [5, 6, 8, 9, -1, -2, -4, -5] });
  });

  it('padding never wins: all-negative input with pads', () => {
    const y = both(
      'maxPool2d',
      [1, 1, 3, 3],
      X9.map((v) => -v),
      { kernel: [2, 2], strides: [2, 2], pads: [1, 1, 1, 1] },
    );
    // out = floor((3+2-2)/2)+1 = 2; windows hold only {-1}, {-2,-3}, {-4,-7}, {-5,-6,-8,-9} of x (the rest is padding, not 0)
    expect(y).toEqual({ shape: [1, 1, 2, 2], data: [-1, -2, -4, -5] });
  });

  it('dilation 2 skips the neighbours', () => {
    // 4x4 zeros except x[0][1] = 9 and x[2][3] = 7
    const x = Array(16).fill(0);
    x[1] = 9;
    x[11] = 7;
    const y = both('maxPool2d', [1, 1, 4, 4], x, { kernel: [2, 2], dilations: [2, 2] });
    // out (0,1) reads (0,1),(0,3),(2,1),(2,3) = 9,0,0,7 -> 9; (0,0) reads (0,0),(0,2),(2,0),(2,2) -> 0 (a dense 2x2 would see the 9)
    expect(y).toEqual({ shape: [1, 1, 2, 2], data: [0, 9, 0, 0] });
  });

  it('ceil mode adds a partial window', () => {
    // x = [1,2,3,4,5], kernel 2, stride 2: floor -> floor(3/2)+1 = 2 windows [1,2],[3,4] -> [2,4]
    expect(both('maxPool2d', [1, 1, 1, 5], range(5), { kernel: [1, 2], strides: [1, 2] }).data).toEqual([2, 4]);
    // ceil -> ceil(3/2)+1 = 3; (3-1)*2 = 4 < 5 + 0, so the last window [5] stays -> [2,4,5]
    expect(both('maxPool2d', [1, 1, 1, 5], range(5), { kernel: [1, 2], strides: [1, 2], ceilMode: true }).data).toEqual([2, 4, 5]);
  });

  it('ceil mode drops a window that would start in the end padding', () => {
    // x = [1,2,3,4,5], kernel 2, stride 2, pads 1 left and right: ceil((5+2-2)/2)+1 = 4,
    // but (4-1)*2 = 6 >= 5 + 1, so 3 windows starting at -1, 1, 3: max(1)=1, max(2,3)=3, max(4,5)=5
    const y = both('maxPool2d', [1, 1, 1, 5], range(5), { kernel: [1, 2], strides: [1, 2], pads: [0, 1, 0, 1], ceilMode: true });
    expect(y).toEqual({ shape: [1, 1, 1, 3], data: [1, 3, 5] });
  });

  it('NaN in a window propagates, wherever it sits', () => {
    // rows [1, NaN] and [NaN, 2], kernel [1,2]: each row's max is NaN
    expect(both('maxPool2d', [1, 1, 2, 2], [1, NaN, NaN, 2], { kernel: [1, 2] }).data).toEqual([NaN, NaN]);
    // NaN only in the first of two windows: [NaN, 4]
    expect(both('maxPool2d', [1, 1, 1, 3], [NaN, 1, 4], { kernel: [1, 2] }).data).toEqual([NaN, 4]);
  });

  it('zero-size batch', () => {
    expect(both('maxPool2d', [0, 2, 3, 3], [], { kernel: [2, 2] })).toEqual({ shape: [0, 2, 2, 2], data: [] });
  });

  it('errors name node, op, expected and received', () => {
    let e = buildError('maxPool2d', NCHW(1, 1, 3, 3), {});
    expect([e.code, e.expected, e.received]).toEqual(['ATTRIBUTE_INVALID', 'a list of 2 integers >= 1', 'nothing']);
    e = buildError('maxPool2d', NCHW(1, 1, 3, 3), { kernel: [2, 2], pads: [2, 0, 0, 0] });
    expect([e.expected, e.received]).toEqual(['top and bottom < 2, left and right < 2 (kernel [2,2])', 'pads [2,0,0,0]']);
    // kernel 3 on 2x2: floor((2-3)/1)+1 = 0
    e = buildError('maxPool2d', NCHW(1, 1, 2, 2), { kernel: [3, 3] });
    expect([e.code, e.received]).toEqual(['SHAPE_MISMATCH', 'output [0,0] from input [2,2], kernel [3,3], pads [0,0,0,0], dilations [1,1]']);
    expect(buildError('maxPool2d', NCHW(1, 1, 2, 2), { kernel: [1, 1], ceilMode: 1 }).expected).toBe('true or false');
    expect(buildError('maxPool2d', NCHW(1, 1, 2, 2), { kernel: [1, 1], countIncludePad: true }).received).toBe('countIncludePad');
  });
});

describe('avgPool2d', () => {
  it('2x2 window, stride 1, two channels, both layouts', () => {
    // channel 0 = 1..9, channel 1 = 10 * (1..9)
    const y = both('avgPool2d', [1, 2, 3, 3], [...X9, ...X9.map((v) => 10 * v)], { kernel: [2, 2], countIncludePad: false });
    // ch0: 12/4 = 3, 16/4 = 4, 24/4 = 6, 28/4 = 7; ch1: ten times that
    expect(y).toEqual({ shape: [1, 2, 2, 2], data: [3, 4, 6, 7, 30, 40, 60, 70] });
  });

  it('countIncludePad decides the divisor next to padding', () => {
    const attrs = { kernel: [2, 2], strides: [2, 2], pads: [1, 1, 1, 1] };
    // windows hold real {1}, {2,3}, {4,7}, {5,6,8,9}: sums 1, 5, 11, 28
    // include: every window is 2x2 of the padded input -> /4: 0.25, 1.25, 2.75, 7
    expect(both('avgPool2d', [1, 1, 3, 3], X9, { ...attrs, countIncludePad: true }).data).toEqual([0.25, 1.25, 2.75, 7]);
    // exclude: divide by the real count: 1/1, 5/2, 11/2, 28/4
    expect(both('avgPool2d', [1, 1, 3, 3], X9, { ...attrs, countIncludePad: false }).data).toEqual([1, 2.5, 5.5, 7]);
  });

  it('ceil mode: the part of a window past the end padding never counts', () => {
    // x = [1,2,3,4], kernel 3, stride 2, pads 1 left and right, ceil: ceil((4+2-3)/2)+1 = 3 windows,
    // kept since (3-1)*2 = 4 < 4 + 1; they start at -1, 1, 3:
    //   [-1,2): real 1+2 = 3;   include: min(2, 5) - (-1) = 3 -> 1;   exclude: 2 -> 1.5
    //   [1,4):  real 2+3+4 = 9; include: 3 -> 3;                      exclude: 3 -> 3
    //   [3,6):  real 4;         include: min(6, 5) - 3 = 2 -> 2;      exclude: 1 -> 4
    const attrs = { kernel: [1, 3], strides: [1, 2], pads: [0, 1, 0, 1], ceilMode: true };
    expect(both('avgPool2d', [1, 1, 1, 4], range(4), { ...attrs, countIncludePad: true })).toEqual({ shape: [1, 1, 1, 3], data: [1, 3, 2] });
    expect(both('avgPool2d', [1, 1, 1, 4], range(4), { ...attrs, countIncludePad: false }).data).toEqual([1.5, 3, 4]);
    // floor mode: floor(3/2)+1 = 2 windows only
    expect(both('avgPool2d', [1, 1, 1, 4], range(4), { ...attrs, ceilMode: false, countIncludePad: true }).data).toEqual([1, 3]);
  });

  it('NaN propagates and zero-size batch stays empty', () => {
    // [NaN, 1] -> NaN, [1, 3] -> 2
    expect(both('avgPool2d', [1, 1, 1, 3], [NaN, 1, 3], { kernel: [1, 2], countIncludePad: false }).data).toEqual([NaN, 2]);
    expect(both('avgPool2d', [0, 1, 3, 3], [], { kernel: [2, 2], countIncludePad: true })).toEqual({ shape: [0, 1, 2, 2], data: [] });
  });

  it('errors name node, op, expected and received', () => {
    // countIncludePad has no default
    let e = buildError('avgPool2d', NCHW(1, 1, 3, 3), { kernel: [2, 2] });
    expect(e.code).toBe('ATTRIBUTE_INVALID');
    expect(e.message).toContain("attribute 'countIncludePad' is required");
    expect(e.expected).toContain('PyTorch defaults to true, ONNX to false');
    expect(e.received).toBe('nothing');
    e = buildError('avgPool2d', NCHW(1, 1, 3, 3), { kernel: [2, 2], countIncludePad: 'yes' });
    expect([e.expected, e.received]).toEqual(['true or false', '"yes"']);
    // avgPool2d has no dilations
    expect(buildError('avgPool2d', NCHW(1, 1, 3, 3), { kernel: [2, 2], countIncludePad: true, dilations: [2, 2] }).received).toBe('dilations');
    expect(buildError('avgPool2d', NCHW(1, 1, 3, 3), { countIncludePad: true }).received).toBe('nothing');
    expect(buildError('avgPool2d', NCHW(1, 1, 3, 3), { kernel: [2, 2], countIncludePad: true, pads: [0, 2, 0, 0] }).received).toBe('pads [0,2,0,0]');
  });
});

describe('globalAvgPool', () => {
  it('means over H and W per channel, [N,C,1,1] in NCHW and [N,1,1,C] in NHWC', () => {
    // channel 0 = 1,2,3,4 -> 10/4 = 2.5; channel 1 = 10,20,30,40 -> 100/4 = 25
    expect(both('globalAvgPool', [1, 2, 2, 2], [1, 2, 3, 4, 10, 20, 30, 40])).toEqual({ shape: [1, 2, 1, 1], data: [2.5, 25] });
    const nhwc = runOp('globalAvgPool', 'NHWC', [1, 2, 2, 2], [1, 2, 3, 4, 10, 20, 30, 40]);
    expect(nhwc.data).toEqual([2.5, 25]);
  });

  it('zero-size batch, empty spatial extent (mean of nothing is NaN), NaN propagates', () => {
    expect(both('globalAvgPool', [0, 3, 2, 2], [])).toEqual({ shape: [0, 3, 1, 1], data: [] });
    // 0/0
    expect(both('globalAvgPool', [1, 1, 0, 2], [])).toEqual({ shape: [1, 1, 1, 1], data: [NaN] });
    expect(both('globalAvgPool', [1, 1, 1, 2], [1, NaN]).data).toEqual([NaN]);
  });

  it('errors name node, op, expected and received', () => {
    const e = buildError('globalAvgPool', { shape: [1, 4], layout: 'NC' });
    expect([e.expected, e.received]).toEqual(['layout NCHW or NHWC', 'layout NC']);
    expect(buildError('globalAvgPool', NCHW(1, 1, 2, 2), { keepDims: true }).expected).toBe('no attributes');
  });
});

describe('resize', () => {
  // x = [1, 3] as [1,1,1,2]; scales [1, 2] keep H = 1 and double W to 4.
  // Bilinear clamps the source coordinate to [0, 1]; value(x_in) = 1 + 2*x_in.
  it.each<[string, number[]]>([
    // x_in = (o + 0.5)/2 - 0.5 = -0.25, 0.25, 0.75, 1.25 -> clamp 0, .25, .75, 1 -> 1, 1.5, 2.5, 3
    ['half_pixel', [1, 1.5, 2.5, 3]],
    // same as half_pixel while out > 1
    ['pytorch_half_pixel', [1, 1.5, 2.5, 3]],
    // x_in = o/2 = 0, .5, 1, 1.5 -> clamp 1 -> 1, 2, 3, 3
    ['asymmetric', [1, 2, 3, 3]],
  ])('bilinear %s, scale 2', (transform, want) => {
    expect(both('resize', [1, 1, 1, 2], [1, 3], { mode: 'bilinear', coordinateTransform: transform, scales: [1, 2] })).toEqual({ shape: [1, 1, 1, 4], data: want });
  });

  it('bilinear align_corners', () => {
    // x_in = o * (2-1)/(4-1) = 0, 1/3, 2/3, 1 -> 1, 5/3, 7/3, 3
    const y = both('resize', [1, 1, 1, 2], [1, 3], { mode: 'bilinear', coordinateTransform: 'align_corners', size: [1, 4] });
    [1, 5 / 3, 7 / 3, 3].forEach((v, i) => expect(y.data[i]).toBeCloseTo(v, 12));
    // 2-D, two channels: [[0,10],[20,30]] to 3x3 with corners aligned: coordinates 0, .5, 1 on each axis;
    // channel 1 is channel 0 + 100
    const z = both('resize', [1, 2, 2, 2], [0, 10, 20, 30, 100, 110, 120, 130], { mode: 'bilinear', coordinateTransform: 'align_corners', size: [3, 3] });
    expect(z).toEqual({ shape: [1, 2, 3, 3], data: [0, 5, 10, 10, 15, 20, 20, 25, 30, 100, 105, 110, 110, 115, 120, 120, 125, 130] });
  });

  it('output length 1: pytorch_half_pixel samples 0, half_pixel the centre', () => {
    // [1, 3] to width 1. pytorch_half_pixel: x_in = 0 -> 1. half_pixel: scale 1/2, x_in = 0.5/0.5 - 0.5 = 0.5 -> 2
    expect(both('resize', [1, 1, 1, 2], [1, 3], { mode: 'bilinear', coordinateTransform: 'pytorch_half_pixel', size: [1, 1] }).data).toEqual([1]);
    expect(both('resize', [1, 1, 1, 2], [1, 3], { mode: 'bilinear', coordinateTransform: 'half_pixel', size: [1, 1] }).data).toEqual([2]);
    // nearest on [1,2,3] to width 1: pytorch_half_pixel -> index 0 -> 1; half_pixel: x_in = 0.5*3 - 0.5 = 1 -> 2
    expect(both('resize', [1, 1, 1, 3], [1, 2, 3], { mode: 'nearest', coordinateTransform: 'pytorch_half_pixel', size: [1, 1] }).data).toEqual([1]);
    expect(both('resize', [1, 1, 1, 3], [1, 2, 3], { mode: 'nearest', coordinateTransform: 'half_pixel', size: [1, 1] }).data).toEqual([2]);
  });

  it('scales use the given scale, size uses out/in', () => {
    // [1,2,3] with scales 1.5: out = floor(4.5) = 4, asymmetric x_in = o/1.5 = 0, 2/3, 4/3, 2 -> 1, 5/3, 7/3, 3
    const byScale = both('resize', [1, 1, 1, 3], [1, 2, 3], { mode: 'bilinear', coordinateTransform: 'asymmetric', scales: [1, 1.5] });
    expect(byScale.shape).toEqual([1, 1, 1, 4]);
    [1, 5 / 3, 7 / 3, 3].forEach((v, i) => expect(byScale.data[i]).toBeCloseTo(v, 12));
    // size [1, 4]: scale 4/3, x_in = 0.75*o = 0, .75, 1.5, 2.25 (clamped to 2) -> 1, 1.75, 2.5, 3
    expect(both('resize', [1, 1, 1, 3], [1, 2, 3], { mode: 'bilinear', coordinateTransform: 'asymmetric', size: [1, 4] }).data).toEqual([1, 1.75, 2.5, 3]);
  });

  // x = [1, 2, 3] as [1,1,1,3], scale 2 on W -> 6 outputs; indices clamp to [0, 2].
  it.each<[string, string, number[]]>([
    // asymmetric x_in = o/2 = 0, .5, 1, 1.5, 2, 2.5
    ['asymmetric', 'floor', [1, 1, 2, 2, 3, 3]], // 0,0,1,1,2,2
    ['asymmetric', 'round_prefer_floor', [1, 1, 2, 2, 3, 3]], // .5 -> 0, 1.5 -> 1, 2.5 -> 2
    ['asymmetric', 'round_prefer_ceil', [1, 2, 2, 3, 3, 3]], // .5 -> 1, 1.5 -> 2, 2.5 -> 3 -> clamp 2
    // half_pixel x_in = o/2 - 0.25 = -.25, .25, .75, 1.25, 1.75, 2.25
    ['half_pixel', 'floor', [1, 1, 1, 2, 2, 3]], // -1 -> 0, 0, 0, 1, 1, 2
    ['half_pixel', 'ceil', [1, 2, 2, 3, 3, 3]], // 0, 1, 1, 2, 2, 3 -> 2
    ['half_pixel', 'round_prefer_floor', [1, 1, 2, 2, 3, 3]], // 0, 0, 1, 1, 2, 2
    ['half_pixel', 'round_prefer_ceil', [1, 1, 2, 2, 3, 3]], // no exact .5: plain rounding
    ['pytorch_half_pixel', 'round_prefer_floor', [1, 1, 2, 2, 3, 3]], // as half_pixel while out > 1
  ])('nearest %s %s, scale 2', (transform, nearestMode, want) => {
    expect(both('resize', [1, 1, 1, 3], [1, 2, 3], { mode: 'nearest', coordinateTransform: transform, nearestMode, scales: [1, 2] }).data).toEqual(want);
  });

  it('nearest align_corners, default nearestMode and default transform', () => {
    // [1,2,3] to width 5: x_in = o * 2/4 = 0, .5, 1, 1.5, 2; round_prefer_floor -> 0, 0, 1, 1, 2
    expect(both('resize', [1, 1, 1, 3], [1, 2, 3], { mode: 'nearest', coordinateTransform: 'align_corners', size: [1, 5] }).data).toEqual([1, 1, 2, 2, 3]);
    // defaults half_pixel + round_prefer_floor, 2x2 -> 4x4: every pixel becomes a 2x2 block
    expect(both('resize', [1, 1, 2, 2], [1, 2, 3, 4], { mode: 'nearest', scales: [2, 2] }).data).toEqual([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
  });

  it('nearest copies Infinity; zero-size batch; an empty axis scales to empty', () => {
    expect(both('resize', [1, 1, 1, 1], [Infinity], { mode: 'nearest', scales: [1, 2] }).data).toEqual([Infinity, Infinity]);
    expect(both('resize', [0, 2, 2, 2], [], { mode: 'bilinear', scales: [2, 2] })).toEqual({ shape: [0, 2, 4, 4], data: [] });
    expect(both('resize', [1, 1, 0, 2], [], { mode: 'bilinear', scales: [2, 2] })).toEqual({ shape: [1, 1, 0, 4], data: [] });
  });

  it('errors name node, op, expected and received', () => {
    const x = NCHW(1, 1, 2, 2);
    let e = buildError('resize', x, { scales: [2, 2] });
    expect([e.code, e.expected, e.received]).toEqual(['ATTRIBUTE_INVALID', 'one of nearest, bilinear', 'nothing']);
    e = buildError('resize', x, { mode: 'bilinear' });
    expect([e.expected, e.received]).toEqual(['scales [sh, sw] or size [oh, ow]', 'neither']);
    expect(buildError('resize', x, { mode: 'bilinear', scales: [2, 2], size: [4, 4] }).received).toBe('both');
    expect(buildError('resize', x, { mode: 'bilinear', scales: [2, -1] }).received).toBe('[2,-1]');
    expect(buildError('resize', x, { mode: 'bilinear', size: [0, 4] }).expected).toBe('a list of 2 integers >= 1');
    expect(buildError('resize', x, { mode: 'bilinear', nearestMode: 'floor', scales: [2, 2] }).expected).toBe("no nearestMode with mode 'bilinear'");
    expect(buildError('resize', x, { mode: 'nearest', coordinateTransform: 'tf_crop_and_resize', scales: [2, 2] }).received).toBe('"tf_crop_and_resize"');
    // 2 * 0.25 = 0.5 -> floor 0
    e = buildError('resize', x, { mode: 'nearest', scales: [0.25, 1] });
    expect([e.code, e.received]).toEqual(['SHAPE_MISMATCH', 'input spatial [2,2], output spatial [0,2], scales [0.25,1]']);
    e = buildError('resize', NCHW(1, 1, 0, 2), { mode: 'nearest', size: [2, 2] });
    expect([e.expected, e.received]).toEqual(['scales (an empty axis stays empty)', 'input spatial [0,2], output spatial [2,2]']);
    expect(buildError('resize', { shape: [1, 2, 3], layout: 'NTC' }, { mode: 'nearest', scales: [2, 2] }).received).toBe('layout NTC');
  });
});

describe('pad', () => {
  // x = [[1,2,3],[4,5,6]] as [1,1,2,3]
  const X6 = range(6);

  it('constant: zeros by default, or the given value', () => {
    // pads top 1, left 2, bottom 0, right 1 -> 3x6
    expect(both('pad', [1, 1, 2, 3], X6, { pads: [1, 2, 0, 1] })).toEqual({
      shape: [1, 1, 3, 6],
      data: [0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 0, 0, 0, 4, 5, 6, 0],
    });
    expect(both('pad', [1, 1, 2, 3], X6, { pads: [0, 1, 0, 0], value: -1.5 }).data).toEqual([-1.5, 1, 2, 3, -1.5, 4, 5, 6]);
  });

  it('reflect mirrors without repeating the edge', () => {
    // pads [1,2,1,1]: columns -2..3 read 2,1,0,1,2,1; rows -1..2 read 1,0,1,0
    // row [1,2,3] -> [3,2,1,2,3,2]; row [4,5,6] -> [6,5,4,5,6,5]
    expect(both('pad', [1, 1, 2, 3], X6, { pads: [1, 2, 1, 1], mode: 'reflect' })).toEqual({
      shape: [1, 1, 4, 6],
      data: [6, 5, 4, 5, 6, 5, 3, 2, 1, 2, 3, 2, 6, 5, 4, 5, 6, 5, 3, 2, 1, 2, 3, 2],
    });
  });

  it('edge repeats the border', () => {
    // pads [1,2,1,1]: columns -2..3 read 0,0,0,1,2,2; rows -1..2 read 0,0,1,1
    expect(both('pad', [1, 1, 2, 3], X6, { pads: [1, 2, 1, 1], mode: 'edge' }).data).toEqual([1, 1, 1, 2, 3, 3, 1, 1, 1, 2, 3, 3, 4, 4, 4, 5, 6, 6, 4, 4, 4, 5, 6, 6]);
  });

  it('pads each channel alike in both layouts; zero-size batch', () => {
    // channel 1 = channel 0 + 10; edge pad right 1: [1,2,3,3] [4,5,6,6] | [11,12,13,13] [14,15,16,16]
    expect(both('pad', [1, 2, 2, 3], [...X6, ...X6.map((v) => v + 10)], { pads: [0, 0, 0, 1], mode: 'edge' }).data).toEqual([1, 2, 3, 3, 4, 5, 6, 6, 11, 12, 13, 13, 14, 15, 16, 16]);
    expect(both('pad', [0, 2, 2, 3], [], { pads: [1, 1, 1, 1], mode: 'reflect' })).toEqual({ shape: [0, 2, 4, 5], data: [] });
  });

  it('errors name node, op, expected and received', () => {
    // reflect needs pad < size: H = 2, top 2
    let e = buildError('pad', NCHW(1, 1, 2, 3), { pads: [2, 0, 0, 0], mode: 'reflect' });
    expect(e.code).toBe('SHAPE_MISMATCH');
    expect(e.expected).toContain('top and bottom < H 2');
    expect(e.received).toBe('pads [2,0,0,0] for x [1,1,2,3] (NCHW)');
    e = buildError('pad', NCHW(1, 1, 0, 3), { pads: [1, 0, 0, 0], mode: 'edge' });
    expect(e.received).toBe('pads [1,0,0,0] for x [1,1,0,3] (NCHW)');
    e = buildError('pad', NCHW(1, 1, 2, 3), { pads: [1, 1, 1, 1], mode: 'edge', value: 3 });
    expect([e.code, e.expected, e.received]).toEqual(['ATTRIBUTE_INVALID', "no value with mode 'edge'", '3']);
    expect(buildError('pad', NCHW(1, 1, 2, 3), { pads: [-1, 0, 0, 0] }).expected).toBe('a list of 4 integers >= 0');
    expect(buildError('pad', NCHW(1, 1, 2, 3), { pads: [1, 0, 0, 0], mode: 'symmetric' }).expected).toBe('one of constant, reflect, edge');
    expect(buildError('pad', { shape: [1, 2, 3, 4] }, { pads: [1, 0, 0, 0] }).received).toBe('no layout on [1,2,3,4]');
  });
});

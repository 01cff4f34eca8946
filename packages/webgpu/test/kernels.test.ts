/**
 * Every image kernel reading and writing strided views against the reference evaluator: the
 * op's input is a member of a concat (in NHWC or with batch 2 its slice is strided) and its output
 * is written straight into another concat's channel slice. This is the general case of zero-copy
 * concat, which the conformance cases (dense tensors) do not reach.
 */
import { GraphBuilder, randomTensor, type Attrs } from '@skipconn/core';
import { checkAgainstReference, useGpu } from './gpu';

const gpu = useGpu();

type Layout = 'NCHW' | 'NHWC';
const shape = (l: Layout, n: number, c: number, h: number, w: number) => (l === 'NCHW' ? [n, c, h, w] : [n, h, w, c]);

interface OpCase {
  readonly name: string;
  readonly op: string;
  readonly attrs?: Attrs;
  /** Weights after x: [name, shape] with C the input channels. */
  readonly weights?: (c: number) => [string, number[]][];
}

const CASES: readonly OpCase[] = [
  {
    name: 'conv2d 3x3 stride 2 dilation 2 groups 2',
    op: 'conv2d',
    attrs: { strides: [2, 2], pads: [2, 1, 2, 1], dilations: [2, 2], groups: 2 },
    weights: (c) => [
      ['w', [4, c / 2, 3, 3]],
      ['b', [4]],
    ],
  },
  {
    name: 'convTranspose2d stride 2',
    op: 'convTranspose2d',
    attrs: { strides: [2, 2], pads: [1, 0, 0, 1], outputPadding: [1, 1] },
    weights: (c) => [
      ['w', [c, 3, 3, 2]],
      ['b', [3]],
    ],
  },
  { name: 'maxPool2d ceil mode', op: 'maxPool2d', attrs: { kernel: [3, 2], strides: [2, 2], pads: [1, 1, 1, 0], ceilMode: true } },
  { name: 'avgPool2d exclude pad', op: 'avgPool2d', attrs: { kernel: [3, 3], strides: [2, 1], pads: [1, 1, 1, 1], countIncludePad: false } },
  { name: 'globalAvgPool', op: 'globalAvgPool' },
  { name: 'resize bilinear align_corners', op: 'resize', attrs: { mode: 'bilinear', coordinateTransform: 'align_corners', size: [7, 4] } },
  { name: 'resize nearest asymmetric', op: 'resize', attrs: { mode: 'nearest', coordinateTransform: 'asymmetric', nearestMode: 'floor', scales: [2, 1.5] } },
  { name: 'pad reflect', op: 'pad', attrs: { pads: [1, 2, 2, 1], mode: 'reflect' } },
  { name: 'softmax over channels', op: 'softmax', attrs: { axis: 'channels' } },
  {
    name: 'batchNorm',
    op: 'batchNorm',
    weights: (c) => [
      ['s', [c]],
      ['b', [c]],
      ['m', [c]],
      ['v', [c]],
    ],
  },
];

describe.each([
  ['NCHW', 5, 6],
  ['NHWC', 5, 6],
  // Large enough for the tiled convolution (8x8 output tiles, partial at the edges).
  ['NCHW', 19, 17],
  ['NHWC', 19, 17],
] as const)('kernels on strided views (%s, batch 2, %ix%i)', (layout, height, width) => {
  it.each(CASES)('$name', async ({ op, attrs, weights }) => {
    if (!gpu.adapter) return;
    const c = 4;
    const b = new GraphBuilder();
    const x = b.input('x', shape(layout, 2, c, height, width), { layout });
    const a = b.node('relu', [x], {}, 'a');
    const s = b.node('sigmoid', [x], {}, 's');
    const joined = b.node('concat', [a, s], {}, 'joined');
    const ws = (weights?.(c) ?? []).map(([name, sh], i) => b.weight(`p.${name}`, randomTensor(sh, 10 + i, name === 'v' ? 0.5 : -1, name === 'v' ? 1.5 : 1)));
    const y1 = b.node(op, [a, ...ws], attrs, 'y1');
    const y2 = b.node(op, [s, ...ws], attrs, 'y2');
    const out = b.node('concat', [y1, y2], {}, 'out');
    b.output(out, joined);
    const { validated, weights: w } = b.build();
    const feeds = { x: randomTensor(validated.graph.inputs[0]!.shape, 3) };
    const report = await checkAgainstReference(gpu.adapter, validated, w, feeds);
    // a, s (inside `joined`) and y1, y2 (inside `out`) are all written in place.
    expect(report.hostedMembers).toBe(4);
    expect(report.kernels.filter((k) => k.label.includes('['))).toEqual([]);
    if (op === 'conv2d') {
      for (const conv of [
        { tiled: 'always' as const },
        { tiled: 'always' as const, channelsPerStage: 1 as const },
        { tiled: 'always' as const, channelsPerStage: 2 as const },
        { tiled: 'never' as const, outputsPerThread: 1 as const },
      ]) {
        await checkAgainstReference(gpu.adapter, validated, w, feeds, { conv });
      }
    }
  });
});

describe('linear kernels on strided views', () => {
  it('dense reading a channel slice of an NTC concat, writing into another', async () => {
    if (!gpu.adapter) return;
    const b = new GraphBuilder();
    const x = b.input('x', [2, 3, 4], { layout: 'NTC' });
    const joined = b.node('concat', [b.node('relu', [x], {}, 'a'), b.node('tanh', [x], {}, 't')], {}, 'joined');
    const w = b.weight('w', randomTensor([5, 4], 1));
    const bias = b.weight('b', randomTensor([5], 2));
    const y = b.node('concat', [b.node('dense', [x, w, bias], {}, 'd1'), b.node('dense', ['a', w, bias], {}, 'd2')], {}, 'y');
    b.output(y, joined);
    const { validated, weights } = b.build();
    await checkAgainstReference(gpu.adapter, validated, weights, { x: randomTensor([2, 3, 4], 5) });
  });

  it.each([
    ['[4] @ [4]', [4], [4]],
    ['[3,4] @ [4]', [3, 4], [4]],
    ['[4] @ [2,4,3]', [4], [2, 4, 3]],
    ['[2,1,3,4] @ [3,4,5]', [2, 1, 3, 4], [3, 4, 5]],
  ])('matmul %s with a fused epilogue', async (_name, sa, sb) => {
    if (!gpu.adapter) return;
    const b = new GraphBuilder();
    const a = b.input('a', sa as number[]);
    const m = b.input('b', sb as number[]);
    b.output(b.node('gelu', [b.node('matmul', [a, m], {}, 'mm')], { approximate: 'tanh' }, 'act'));
    const { validated, weights } = b.build();
    const report = await checkAgainstReference(gpu.adapter, validated, weights, { a: randomTensor(sa as number[], 1), b: randomTensor(sb as number[], 2) });
    expect(report.kernels.map((k) => k.label)).toEqual(['mm+act']);
  });
});

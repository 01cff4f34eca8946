/**
 * Every kernel against the float64 reference, on tfjs:cpu and tfjs:wasm, in NCHW (channels-last
 * storage inside) and NHWC, with the attribute combinations tfjs cannot express directly
 * (grouped conv, stride with dilation, ceil mode, countIncludePad, every resize mode, reflect and
 * edge pad). Each case also checks that compile + run + dispose leaves tf.memory() as it was.
 */
import { opCase, initAdapter, BACKENDS, reference, worstError, type OpCase } from './helpers';
import type { TfjsAdapter } from '../src';

const NCHW = (n: number, c: number, h: number, w: number) => ({ shape: [n, c, h, w], layout: 'NCHW' as const });
const NHWC = (n: number, h: number, w: number, c: number) => ({ shape: [n, h, w, c], layout: 'NHWC' as const });

const CASES: OpCase[] = [
  opCase('relu', 'relu', NCHW(1, 3, 4, 4)),
  opCase('gelu erf', 'gelu', { shape: [2, 5] }),
  opCase('gelu tanh', 'gelu', { shape: [2, 5] }, { approximate: 'tanh' }),
  opCase('sigmoid', 'sigmoid', { shape: [7] }),
  opCase('tanh', 'tanh', { shape: [7] }),
  opCase('silu', 'silu', { shape: [7] }),
  opCase('softmax last', 'softmax', { shape: [2, 3, 5] }),
  opCase('softmax channels NCHW', 'softmax', NCHW(1, 4, 2, 3), { axis: 'channels' }),
  opCase('add broadcast', 'add', { shape: [2, 3, 4] }, {}, [[3, 1]]),
  opCase('sub', 'sub', { shape: [2, 3] }, {}, [], [{ shape: [2, 3] }]),
  opCase('mul broadcast NCHW bias', 'mul', NCHW(1, 3, 2, 2), {}, [[3, 1, 1]]),
  opCase('div', 'div', { shape: [4] }, {}, [[4]]),
  opCase('dense NTC', 'dense', { shape: [2, 3, 4], layout: 'NTC' }, {}, [[5, 4], [5]]),
  opCase('dense NCHW last axis', 'dense', NCHW(1, 2, 3, 4), {}, [[3, 4]]),
  opCase('matmul broadcast batch', 'matmul', { shape: [2, 1, 2, 3] }, {}, [], [{ shape: [1, 3, 3, 4] }]),
  opCase('matmul vector', 'matmul', { shape: [3] }, {}, [[2, 3, 4]]),
  opCase('conv2d NCHW pads', 'conv2d', NCHW(1, 3, 5, 5), { pads: [1, 1, 1, 1] }, [[4, 3, 3, 3], [4]]),
  opCase('conv2d NHWC asymmetric pads stride', 'conv2d', NHWC(2, 6, 5, 3), { pads: [0, 1, 2, 0], strides: [2, 1] }, [[4, 3, 3, 2]]),
  opCase('conv2d groups 2 stride+dilation', 'conv2d', NCHW(1, 4, 7, 7), { pads: [1, 0, 2, 1], groups: 2, strides: [2, 1], dilations: [2, 2] }, [[6, 2, 3, 3], [6]]),
  opCase('conv2d depthwise multiplier 2', 'conv2d', NCHW(1, 3, 5, 5), { pads: [1, 1, 1, 1], groups: 3, strides: [2, 2] }, [[6, 1, 3, 3], [6]]),
  opCase('convTranspose2d stride pads outputPadding', 'convTranspose2d', NCHW(1, 3, 4, 4), { strides: [2, 2], pads: [1, 0, 0, 1], outputPadding: [1, 1] }, [[3, 2, 3, 3], [2]]),
  opCase('convTranspose2d groups dilation', 'convTranspose2d', NHWC(1, 3, 3, 4), { groups: 2, dilations: [2, 1], strides: [1, 2] }, [[4, 3, 2, 2], [6]]),
  opCase('batchNorm NCHW', 'batchNorm', NCHW(2, 3, 2, 2), {}, [[3], [3], [3], [3]]),
  opCase('layerNorm last', 'layerNorm', { shape: [2, 3, 4], layout: 'NTC' }, {}, [[4], [4]]),
  opCase('layerNorm NCHW axis 1', 'layerNorm', NCHW(2, 3, 2, 2), { axis: 1 }, [
    [3, 2, 2],
    [3, 2, 2],
  ]),
  opCase('maxPool2d ceil pads', 'maxPool2d', NCHW(1, 3, 7, 7), { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceilMode: true }),
  opCase('maxPool2d dilation stride', 'maxPool2d', NHWC(1, 8, 7, 2), { kernel: [2, 3], strides: [2, 2], dilations: [2, 1] }),
  opCase('avgPool2d include pad', 'avgPool2d', NCHW(1, 2, 5, 5), { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], countIncludePad: true }),
  opCase('avgPool2d exclude pad ceil', 'avgPool2d', NCHW(1, 2, 6, 6), { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 0, 0], ceilMode: true, countIncludePad: false }),
  opCase('avgPool2d include pad ceil', 'avgPool2d', NHWC(1, 6, 6, 2), { kernel: [3, 3], strides: [2, 2], pads: [0, 1, 1, 0], ceilMode: true, countIncludePad: true }),
  opCase('globalAvgPool', 'globalAvgPool', NCHW(2, 3, 4, 5)),
  ...(['asymmetric', 'half_pixel', 'pytorch_half_pixel', 'align_corners'] as const).flatMap((t) => [
    opCase(`resize bilinear ${t}`, 'resize', NCHW(1, 2, 3, 4), { mode: 'bilinear', coordinateTransform: t, scales: [2, 1.5] }),
    opCase(`resize nearest ${t}`, 'resize', NHWC(1, 3, 4, 2), { mode: 'nearest', coordinateTransform: t, size: [7, 3] }),
  ]),
  opCase('resize nearest ceil', 'resize', NCHW(1, 1, 3, 3), { mode: 'nearest', nearestMode: 'ceil', scales: [2.5, 2] }),
  opCase('pad constant', 'pad', NCHW(1, 2, 3, 3), { pads: [1, 0, 2, 1], value: 1.5 }),
  opCase('pad reflect', 'pad', NCHW(1, 2, 3, 4), { pads: [2, 1, 1, 3], mode: 'reflect' }),
  opCase('pad edge', 'pad', NHWC(1, 3, 2, 2), { pads: [0, 2, 3, 1], mode: 'edge' }),
  opCase('reshape', 'reshape', { shape: [2, 3, 4] }, { shape: [4, -1] }),
  opCase('flatten NCHW', 'flatten', NCHW(2, 3, 2, 2)),
  opCase('transpose NCHW to NHWC', 'transpose', NCHW(1, 2, 3, 4), { perm: [0, 2, 3, 1] }),
  opCase('transpose default', 'transpose', { shape: [2, 3, 4] }),
  opCase('residual relu', 'residual', NCHW(1, 3, 2, 2), { activation: 'relu' }, [], [NCHW(1, 3, 2, 2)]),
  opCase('residual DeepNorm + scale-at-test', 'residual', { shape: [2, 4], layout: 'NC' }, { alpha: 2.5, stochasticDepth: { survivalProb: 0.8, convention: 'scale-at-test' } }, [], [{ shape: [2, 4], layout: 'NC' }]),
  opCase('residual LayerScale per channel NCHW', 'residual', NCHW(1, 3, 2, 2), { beta: 'learned', activation: 'gelu' }, [[3]], [NCHW(1, 3, 2, 2)]),
  opCase(
    'residual learned scalar alpha and beta',
    'residual',
    { shape: [3, 2], layout: 'NC' },
    { alpha: 'learned', beta: 'learned', stochasticDepth: { survivalProb: 0.5, convention: 'scale-at-train' } },
    [[], [1]],
    [{ shape: [3, 2], layout: 'NC' }],
  ),
  opCase('concat crop center', 'concat', NCHW(1, 2, 7, 6), { crop: 'center' }, [], [NCHW(1, 3, 4, 4)]),
  opCase('concat NHWC', 'concat', NHWC(1, 2, 2, 3), {}, [], [NHWC(1, 2, 2, 1)]),
  opCase('highway coupled', 'highway', { shape: [2, 3], layout: 'NC' }, {}, [], [{ shape: [2, 3] }, { shape: [2, 3] }]),
  opCase('highway separate', 'highway', { shape: [2, 3] }, { carry: 'separate' }, [], [{ shape: [2, 3] }, { shape: [2, 3] }, { shape: [2, 3] }]),
  opCase('gate SE NCHW', 'gate', NCHW(2, 3, 2, 2), { broadcast: ['spatial'] }, [], [NCHW(2, 3, 1, 1)]),
];

describe.each(BACKENDS.map((spec) => [spec.name, spec] as const))('%s kernels against the reference', (_name, spec) => {
  let adapter: TfjsAdapter;
  beforeAll(async () => {
    adapter = await initAdapter(spec);
  });
  afterAll(async () => {
    await adapter.dispose();
  });

  test.each(CASES.map((c) => [c.name, c] as const))('%s', async (_n, c) => {
    const before = adapter.resources();
    const compiled = await adapter.compile(c.graph, c.weights);
    const got = await compiled.run(c.feeds);
    expect(compiled.info.backend).toBe(spec.backend);
    await compiled.dispose();
    expect(adapter.resources()).toEqual(before);
    const want = reference(c);
    for (const name of Object.keys(want)) {
      expect(got[name]!.shape).toEqual(want[name]!.shape);
      const worst = worstError(got[name]!, want[name]!);
      if (worst.excess > 0) throw new Error(`${c.name}: ${JSON.stringify(worst)}`);
    }
  });
});

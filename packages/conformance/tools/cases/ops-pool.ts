/** maxPool2d, avgPool2d (countIncludePad both ways, ceil mode) and globalAvgPool. */
import { img, shapeId, values, type CaseDef, type RangeOptions } from '../lib';

type ImageLayout = 'NCHW' | 'NHWC';

function poolCase(
  op: string,
  variant: string,
  layout: ImageLayout,
  nchw: [number, number, number, number],
  attrs: Record<string, unknown>,
  opts: { rx?: RangeOptions; dtype?: 'float16'; description?: string } = {},
): CaseDef {
  const x = img(layout, ...nchw);
  return {
    id: `op/${op}/${variant}/${layout}/${shapeId(x)}${opts.dtype ? `/${opts.dtype}` : ''}`,
    description: opts.description,
    build: (g) => g.output(g.node(op, [g.input('x', x, { layout, dtype: opts.dtype, ...opts.rx })], attrs, 'y')),
  };
}

interface PoolSpec {
  readonly variant: string;
  readonly x: [number, number, number, number];
  readonly attrs: Record<string, unknown>;
  readonly description?: string;
  readonly rx?: RangeOptions;
}

const MAX: PoolSpec[] = [
  { variant: 'k2-s2', x: [2, 3, 6, 6], attrs: { kernel: [2, 2], strides: [2, 2] } },
  { variant: 'k3-s1-pad1', x: [1, 2, 5, 5], attrs: { kernel: [3, 3], pads: [1, 1, 1, 1] } },
  { variant: 'k3-s2-pad1', x: [1, 3, 7, 7], attrs: { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }, description: 'the ResNet stem pool' },
  { variant: 'k3-s2-ceil', x: [1, 2, 6, 6], attrs: { kernel: [3, 3], strides: [2, 2], ceilMode: true }, description: 'ceil mode keeps a partial last window' },
  { variant: 'k2-s2-pad1-ceil-drop', x: [1, 2, 4, 4], attrs: { kernel: [2, 2], strides: [2, 2], pads: [1, 1, 1, 1], ceilMode: true }, description: 'ceil mode drops a window that would start in the end padding' },
  { variant: 'dilation2', x: [1, 2, 7, 7], attrs: { kernel: [2, 2], dilations: [2, 2] } },
  { variant: 'pads-asymmetric', x: [1, 2, 5, 4], attrs: { kernel: [3, 2], strides: [2, 1], pads: [0, 1, 2, 0] } },
  { variant: 'negative-padded', x: [1, 2, 4, 4], attrs: { kernel: [3, 3], pads: [1, 1, 1, 1] }, rx: { low: -5, high: -1 }, description: 'all inputs negative: padding must never win (it is -Infinity, not 0)' },
  { variant: 'global-window', x: [1, 3, 4, 5], attrs: { kernel: [4, 5] } },
  { variant: 'zero-batch', x: [0, 2, 4, 4], attrs: { kernel: [2, 2], strides: [2, 2] } },
  {
    variant: 'specials',
    x: [1, 1, 4, 4],
    attrs: { kernel: [2, 2], strides: [2, 2] },
    rx: { special: { 0: 'NaN', 2: 'Infinity', 8: '-Infinity', 9: '-Infinity', 12: '-Infinity', 13: '-Infinity', 10: '-0', 11: 1e30 } },
    description: 'NaN propagates through max; an all -Inf window gives -Inf',
  },
];

const AVG: PoolSpec[] = [
  { variant: 'k2-s2', x: [2, 3, 6, 6], attrs: { kernel: [2, 2], strides: [2, 2], countIncludePad: false } },
  { variant: 'k3-pad1-include-pad', x: [1, 2, 5, 5], attrs: { kernel: [3, 3], pads: [1, 1, 1, 1], countIncludePad: true }, description: 'PyTorch default: border windows divide by 9' },
  { variant: 'k3-pad1-exclude-pad', x: [1, 2, 5, 5], attrs: { kernel: [3, 3], pads: [1, 1, 1, 1], countIncludePad: false }, description: 'ONNX default: border windows divide by the real elements' },
  {
    variant: 'k3-s2-pad1-ceil-include-pad',
    x: [1, 2, 6, 6],
    attrs: { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceilMode: true, countIncludePad: true },
    description: 'the part of a ceil-mode window past the end padding is not counted',
  },
  { variant: 'k3-s2-pad1-ceil-exclude-pad', x: [1, 2, 6, 6], attrs: { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceilMode: true, countIncludePad: false } },
  { variant: 'k3-s2-ceil', x: [1, 2, 6, 7], attrs: { kernel: [3, 3], strides: [2, 2], ceilMode: true, countIncludePad: false } },
  {
    variant: 'k3-s2-ceil-include-pad-unpadded',
    x: [1, 2, 6, 7],
    attrs: { kernel: [3, 3], strides: [2, 2], ceilMode: true, countIncludePad: true },
    description: "PyTorch's default countIncludePad without pads: each window of the partial last row divides by its 6 elements, not 9",
  },
  { variant: 'pads-asymmetric-include-pad', x: [1, 2, 5, 4], attrs: { kernel: [3, 2], strides: [2, 1], pads: [0, 1, 2, 0], countIncludePad: true } },
  { variant: 'global-window', x: [1, 3, 4, 5], attrs: { kernel: [4, 5], countIncludePad: false } },
  { variant: 'zero-batch', x: [0, 2, 4, 4], attrs: { kernel: [2, 2], strides: [2, 2], countIncludePad: false } },
  { variant: 'specials', x: [1, 1, 4, 4], attrs: { kernel: [2, 2], strides: [2, 2], countIncludePad: false }, rx: { special: { 0: 'NaN', 2: 'Infinity', 3: '-Infinity', 10: 1e30, 11: 1e30 } } },
  { variant: 'large', x: [1, 2, 4, 4], attrs: { kernel: [2, 2], strides: [2, 2], countIncludePad: false }, rx: { low: 1e29, high: 1e30 } },
];

export function poolCases(): CaseDef[] {
  const cases: CaseDef[] = [];
  for (const s of MAX) for (const layout of ['NCHW', 'NHWC'] as const) cases.push(poolCase('maxPool2d', s.variant, layout, s.x, s.attrs, { rx: s.rx, description: s.description }));
  for (const s of AVG) for (const layout of ['NCHW', 'NHWC'] as const) cases.push(poolCase('avgPool2d', s.variant, layout, s.x, s.attrs, { rx: s.rx, description: s.description }));
  cases.push(poolCase('maxPool2d', MAX[0]!.variant, 'NCHW', MAX[0]!.x, MAX[0]!.attrs, { dtype: 'float16' }));
  cases.push(poolCase('avgPool2d', AVG[1]!.variant, 'NCHW', AVG[1]!.x, AVG[1]!.attrs, { dtype: 'float16' }));
  for (const layout of ['NCHW', 'NHWC'] as const) {
    cases.push(poolCase('globalAvgPool', 'basic', layout, [2, 3, 4, 5], {}));
    cases.push(poolCase('globalAvgPool', '1x1', layout, [2, 3, 1, 1], {}, { description: 'a 1x1 map is returned unchanged' }));
    cases.push(poolCase('globalAvgPool', 'zero-spatial', layout, [1, 2, 0, 3], {}, { description: 'the mean of nothing is NaN' }));
    cases.push(poolCase('globalAvgPool', 'large', layout, [1, 2, 3, 3], {}, { rx: { low: 1e29, high: 1e30 } }));
  }
  cases.push(poolCase('globalAvgPool', 'zero-batch', 'NCHW', [0, 3, 4, 4], {}));
  cases.push(poolCase('globalAvgPool', 'specials', 'NCHW', [1, 3, 2, 2], {}, { rx: { special: { 0: 'NaN', 4: 'Infinity', 5: '-Infinity', 8: '-0' } } }));
  cases.push({
    id: 'op/avgPool2d/literal/count-include-pad/NCHW/[1,1,2,2]',
    why: 'x = [[1,2],[3,4]], kernel 2, stride 1, pads 1: 3x3 windows; countIncludePad true divides every sum by 4: corners 1/4, 2/4, 3/4, 4/4; edges (1+2)/4, (1+3)/4, (2+4)/4, (3+4)/4; centre 10/4',
    build: (g) => g.output(g.node('avgPool2d', [g.input('x', [1, 1, 2, 2], { layout: 'NCHW', values: [1, 2, 3, 4] })], { kernel: [2, 2], pads: [1, 1, 1, 1], countIncludePad: true }, 'y')),
    expected: values([0.25, 0.75, 0.5, 1, 2.5, 1.5, 0.75, 1.75, 1]),
  });
  cases.push({
    id: 'op/avgPool2d/literal/count-exclude-pad/NCHW/[1,1,2,2]',
    why: 'the same windows, countIncludePad false divides by the real elements: corners 1, 2, 3, 4; edges (1+2)/2, (1+3)/2, (2+4)/2, (3+4)/2; centre 10/4',
    build: (g) => g.output(g.node('avgPool2d', [g.input('x', [1, 1, 2, 2], { layout: 'NCHW', values: [1, 2, 3, 4] })], { kernel: [2, 2], pads: [1, 1, 1, 1], countIncludePad: false }, 'y')),
    expected: values([1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4]),
  });
  cases.push({
    id: 'op/maxPool2d/literal/negative-padded/NCHW/[1,1,2,2]',
    why: 'x all negative, kernel 2, pads 1: each window max is its largest real element, never the padding (0): corners -1, -2, -3, -4 ... centre -1',
    build: (g) => g.output(g.node('maxPool2d', [g.input('x', [1, 1, 2, 2], { layout: 'NCHW', values: [-1, -2, -3, -4] })], { kernel: [2, 2], pads: [1, 1, 1, 1] }, 'y')),
    expected: values([-1, -1, -2, -1, -1, -2, -3, -3, -4]),
  });
  cases.push({
    id: 'op/globalAvgPool/literal/NHWC/[1,2,2,2]',
    why: 'NHWC: channel 0 = [1,3,5,7] mean 4; channel 1 = [2,4,6,8] mean 5; output [1,1,1,2]',
    build: (g) => g.output(g.node('globalAvgPool', [g.input('x', [1, 2, 2, 2], { layout: 'NHWC', values: [1, 2, 3, 4, 5, 6, 7, 8] })], {}, 'y')),
    expected: values([4, 5]),
  });
  return cases;
}

/** conv2d and convTranspose2d: strides, pads, dilations, groups, both layouts. */
import { img, shapeId, values, type CaseDef, type RangeOptions } from '../lib';

type ImageLayout = 'NCHW' | 'NHWC';

interface ConvSpec {
  readonly variant: string;
  /** n, c, h, w */
  readonly x: [number, number, number, number];
  readonly outC: number;
  readonly k: [number, number];
  readonly attrs?: Record<string, unknown>;
  readonly bias?: boolean;
  readonly description?: string;
  readonly rx?: RangeOptions;
  readonly positiveW?: boolean;
}

function convCase(op: 'conv2d' | 'convTranspose2d', layout: ImageLayout, s: ConvSpec, dtype?: 'float16'): CaseDef {
  const [n, c, h, w] = s.x;
  const groups = (s.attrs?.['groups'] as number | undefined) ?? 1;
  const wShape = op === 'conv2d' ? [s.outC, c / groups, s.k[0], s.k[1]] : [c, s.outC / groups, s.k[0], s.k[1]];
  const fanIn = (op === 'conv2d' ? c / groups : s.outC / groups) * s.k[0] * s.k[1];
  const x = img(layout, n, c, h, w);
  return {
    id: `op/${op}/${s.variant}/${layout}/${shapeId(x)}${dtype ? `/${dtype}` : ''}`,
    description: s.description,
    build: (g) => {
      const xi = g.input('x', x, { layout, dtype, ...s.rx });
      const bound = 1 / Math.sqrt(Math.max(1, fanIn));
      const ins = [xi, g.weight('w', wShape, { low: s.positiveW ? 0 : -bound, high: bound, dtype })];
      if (s.bias !== false) ins.push(g.weight('b', [s.outC], { low: -bound, high: bound, dtype }));
      g.output(g.node(op, ins, s.attrs ?? {}, 'y'));
    },
  };
}

const CONV: ConvSpec[] = [
  { variant: '3x3-pad1', x: [2, 4, 6, 6], outC: 5, k: [3, 3], attrs: { pads: [1, 1, 1, 1] }, description: 'same-size 3x3 convolution' },
  { variant: 'valid', x: [1, 3, 6, 5], outC: 4, k: [3, 3], description: 'no padding (U-Net style valid convolution)' },
  { variant: 'stride2', x: [1, 4, 7, 7], outC: 6, k: [3, 3], attrs: { strides: [2, 2], pads: [1, 1, 1, 1] } },
  { variant: 'stride3-uneven', x: [1, 2, 8, 8], outC: 3, k: [3, 3], attrs: { strides: [3, 3] }, description: 'the last rows and columns do not fill a window and are dropped' },
  { variant: 'strides-1x2', x: [1, 3, 5, 7], outC: 2, k: [3, 1], attrs: { strides: [1, 2], pads: [1, 0, 1, 0] }, description: 'rectangular kernel and strides' },
  { variant: 'pads-asymmetric', x: [1, 3, 5, 6], outC: 4, k: [3, 3], attrs: { pads: [0, 1, 2, 1] }, description: 'pads [top, left, bottom, right] = [0, 1, 2, 1]' },
  { variant: 'dilation2', x: [1, 3, 7, 7], outC: 4, k: [3, 3], attrs: { dilations: [2, 2], pads: [2, 2, 2, 2] } },
  { variant: 'dilation-2x1-stride2', x: [1, 2, 9, 8], outC: 3, k: [3, 3], attrs: { dilations: [2, 1], strides: [2, 2], pads: [1, 1, 1, 1] } },
  { variant: 'groups2', x: [1, 4, 5, 5], outC: 6, k: [3, 3], attrs: { groups: 2, pads: [1, 1, 1, 1] } },
  { variant: 'depthwise', x: [2, 4, 5, 5], outC: 4, k: [3, 3], attrs: { groups: 4, pads: [1, 1, 1, 1] }, description: 'groups = channels' },
  { variant: 'depthwise-multiplier2', x: [1, 3, 4, 4], outC: 6, k: [3, 3], attrs: { groups: 3 } },
  { variant: '1x1-no-bias', x: [2, 8, 3, 3], outC: 4, k: [1, 1], bias: false, description: 'pointwise projection (a projection shortcut without bias)' },
  { variant: '1x1-stride2', x: [1, 4, 6, 6], outC: 8, k: [1, 1], attrs: { strides: [2, 2] }, bias: false, description: 'the ResNet downsample shortcut' },
  { variant: 'kernel-equals-input', x: [1, 3, 4, 4], outC: 2, k: [4, 4], description: 'one output pixel' },
  { variant: 'mostly-padding', x: [1, 2, 2, 2], outC: 3, k: [3, 3], attrs: { pads: [2, 2, 2, 2] }, description: 'windows that overlap the input in a corner only' },
  { variant: 'zero-batch', x: [0, 3, 5, 5], outC: 2, k: [3, 3] },
  { variant: 'zero-in-channels', x: [1, 0, 4, 4], outC: 2, k: [3, 3], description: 'no input channels: the output is the bias' },
  { variant: 'specials', x: [1, 2, 5, 5], outC: 2, k: [3, 3], attrs: { pads: [1, 1, 1, 1] }, rx: { special: { 0: 'NaN', 12: 'Infinity', 40: '-0' } }, description: 'NaN and Inf spread to the windows that contain them' },
  { variant: 'large', x: [1, 2, 4, 4], outC: 2, k: [3, 3], rx: { low: 1e29, high: 1e30 }, positiveW: true, description: 'magnitudes near 1e30 without cancellation' },
];

const CONV_TRANSPOSE: ConvSpec[] = [
  { variant: 'k2-stride2', x: [1, 4, 3, 3], outC: 2, k: [2, 2], attrs: { strides: [2, 2] }, description: 'the U-Net up-convolution: doubles H and W' },
  { variant: 'k3-stride2-pad1-outpad1', x: [1, 3, 4, 4], outC: 2, k: [3, 3], attrs: { strides: [2, 2], pads: [1, 1, 1, 1], outputPadding: [1, 1] }, description: 'output 8x8: (4-1)*2 - 2 + 2 + 1 + 1' },
  { variant: 'k3-stride1-pad1', x: [2, 3, 4, 5], outC: 4, k: [3, 3], attrs: { pads: [1, 1, 1, 1] } },
  { variant: 'k3-stride1', x: [1, 2, 3, 3], outC: 3, k: [3, 3], description: 'full transposed convolution: output 5x5' },
  { variant: 'dilation2', x: [1, 2, 3, 3], outC: 2, k: [3, 3], attrs: { dilations: [2, 2] } },
  { variant: 'groups2', x: [1, 4, 3, 3], outC: 2, k: [3, 3], attrs: { groups: 2, strides: [2, 2] } },
  { variant: 'pads-asymmetric', x: [1, 2, 4, 4], outC: 3, k: [3, 3], attrs: { strides: [2, 2], pads: [0, 1, 1, 0] } },
  { variant: 'stride-2x1-no-bias', x: [1, 3, 3, 4], outC: 2, k: [2, 3], attrs: { strides: [2, 1] }, bias: false },
  { variant: 'zero-batch', x: [0, 2, 3, 3], outC: 2, k: [2, 2], attrs: { strides: [2, 2] } },
  { variant: 'specials', x: [1, 2, 3, 3], outC: 2, k: [2, 2], attrs: { strides: [2, 2] }, rx: { special: { 0: 'NaN', 10: 'Infinity', 5: 1e30, 7: '-0' } } },
];

export function convCases(): CaseDef[] {
  const cases: CaseDef[] = [];
  for (const spec of CONV) for (const layout of ['NCHW', 'NHWC'] as const) cases.push(convCase('conv2d', layout, spec));
  cases.push(convCase('conv2d', 'NCHW', CONV[0]!, 'float16'));
  cases.push({
    id: 'op/conv2d/literal/2x2-box/NCHW/[1,1,3,3]',
    why: 'x = 1..9 as 3x3, w = ones 2x2, b = 0.5: window sums 1+2+4+5 = 12, 2+3+5+6 = 16, 4+5+7+8 = 24, 5+6+8+9 = 28, plus 0.5',
    build: (g) => g.output(g.node('conv2d', [g.input('x', [1, 1, 3, 3], { layout: 'NCHW', values: [1, 2, 3, 4, 5, 6, 7, 8, 9] }), g.literal('w', [1, 1, 2, 2], [1, 1, 1, 1]), g.literal('b', [1], [0.5])], {}, 'y')),
    expected: values([12.5, 16.5, 24.5, 28.5]),
  });
  cases.push({
    id: 'op/conv2d/literal/pad1-stride2/NHWC/[1,2,2,1]',
    why: 'x = [[1,2],[3,4]] padded by 1, 3x3 ones, stride 2: output size floor((2+1+1-3)/2)+1 = 1; its window covers rows and columns -1..1, all of x: 1+2+3+4 = 10',
    build: (g) =>
      g.output(g.node('conv2d', [g.input('x', [1, 2, 2, 1], { layout: 'NHWC', values: [1, 2, 3, 4] }), g.literal('w', [1, 1, 3, 3], [1, 1, 1, 1, 1, 1, 1, 1, 1])], { strides: [2, 2], pads: [1, 1, 1, 1] }, 'y')),
    expected: values([10]),
  });
  for (const spec of CONV_TRANSPOSE) for (const layout of ['NCHW', 'NHWC'] as const) cases.push(convCase('convTranspose2d', layout, spec));
  cases.push({
    id: 'op/convTranspose2d/literal/k2-stride2/NCHW/[1,1,2,2]',
    why: 'each input pixel scatters w = [[1,2],[3,4]] times itself into its own 2x2 block: x = [[1,2],[3,4]] -> rows [1,2,2,4], [3,4,6,8], [3,6,4,8], [9,12,12,16]',
    build: (g) => g.output(g.node('convTranspose2d', [g.input('x', [1, 1, 2, 2], { layout: 'NCHW', values: [1, 2, 3, 4] }), g.literal('w', [1, 1, 2, 2], [1, 2, 3, 4])], { strides: [2, 2] }, 'y')),
    expected: values([1, 2, 2, 4, 3, 4, 6, 8, 3, 6, 4, 8, 9, 12, 12, 16]),
  });
  return cases;
}

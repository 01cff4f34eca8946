/** resize (nearest with every rounding mode, bilinear, every coordinate transform) and pad. */
import { img, shapeId, values, type CaseDef, type RangeOptions } from '../lib';

type ImageLayout = 'NCHW' | 'NHWC';

function oneOp(
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

const TRANSFORMS = ['asymmetric', 'half_pixel', 'pytorch_half_pixel', 'align_corners'] as const;
const NEAREST = ['floor', 'ceil', 'round_prefer_floor', 'round_prefer_ceil'] as const;

export function resizeCases(): CaseDef[] {
  const cases: CaseDef[] = [];
  // nearest: every transform x every rounding, upsampling by 2 (NCHW) and by 1.5 (NHWC: fractional positions)
  for (const t of TRANSFORMS) {
    for (const m of NEAREST) {
      cases.push(oneOp('resize', `nearest-${t}-${m}-x2`, 'NCHW', [1, 2, 3, 4], { mode: 'nearest', coordinateTransform: t, nearestMode: m, scales: [2, 2] }));
    }
    cases.push(oneOp('resize', `nearest-${t}-x1.5`, 'NHWC', [1, 2, 4, 4], { mode: 'nearest', coordinateTransform: t, scales: [1.5, 1.5] }));
    cases.push(oneOp('resize', `nearest-${t}-down`, 'NCHW', [1, 2, 6, 7], { mode: 'nearest', coordinateTransform: t, size: [3, 4] }));
  }
  // bilinear: every transform, up, down, fractional scale and explicit size
  for (const t of TRANSFORMS) {
    for (const layout of ['NCHW', 'NHWC'] as const) cases.push(oneOp('resize', `bilinear-${t}-x2`, layout, [1, 3, 3, 4], { mode: 'bilinear', coordinateTransform: t, scales: [2, 2] }));
    cases.push(oneOp('resize', `bilinear-${t}-down`, 'NCHW', [1, 2, 8, 6], { mode: 'bilinear', coordinateTransform: t, scales: [0.5, 0.5] }));
    cases.push(oneOp('resize', `bilinear-${t}-size`, 'NHWC', [2, 2, 4, 5], { mode: 'bilinear', coordinateTransform: t, size: [7, 3] }, { description: 'explicit size: the scale is out/in per axis' }));
    cases.push(oneOp('resize', `bilinear-${t}-to-1`, 'NCHW', [1, 2, 4, 4], { mode: 'bilinear', coordinateTransform: t, size: [1, 1] }, { description: 'a single output pixel: where the transforms disagree most' }));
  }
  cases.push(
    oneOp('resize', 'bilinear-half_pixel-x1.7', 'NCHW', [1, 1, 5, 3], { mode: 'bilinear', scales: [1.7, 2.5] }, { description: 'non-integer scales: out = floor(in * scale) while the transform uses the given scale' }),
  );
  cases.push(oneOp('resize', 'nearest-default', 'NHWC', [1, 3, 3, 2], { mode: 'nearest', scales: [2, 2] }, { description: 'defaults: half_pixel and round_prefer_floor' }));
  cases.push(oneOp('resize', 'bilinear-zero-batch', 'NCHW', [0, 2, 3, 3], { mode: 'bilinear', scales: [2, 2] }));
  cases.push(oneOp('resize', 'nearest-zero-spatial', 'NCHW', [1, 2, 0, 3], { mode: 'nearest', scales: [2, 2] }, { description: 'an empty axis scales to empty' }));
  cases.push(
    oneOp(
      'resize',
      'bilinear-specials',
      'NCHW',
      [1, 1, 3, 3],
      { mode: 'bilinear', scales: [2, 2] },
      { rx: { special: { 0: 'NaN', 8: 'Infinity', 4: '-0' } }, description: 'NaN and Inf spread to the pixels interpolated from them' },
    ),
  );
  cases.push(
    oneOp(
      'resize',
      'nearest-specials',
      'NHWC',
      [1, 3, 3, 1],
      { mode: 'nearest', scales: [2, 2] },
      { rx: { special: { 0: 'NaN', 8: 'Infinity', 4: '-0', 3: 1e30 } }, description: 'nearest copies special values unchanged' },
    ),
  );
  cases.push(oneOp('resize', 'bilinear-large', 'NHWC', [1, 3, 3, 1], { mode: 'bilinear', scales: [2, 2] }, { rx: { low: 1e29, high: 1e30 } }));
  cases.push(oneOp('resize', 'bilinear-half_pixel-x2', 'NCHW', [1, 3, 3, 4], { mode: 'bilinear', scales: [2, 2] }, { dtype: 'float16' }));
  cases.push({
    id: 'op/resize/literal/nearest-asymmetric-floor-x2/NCHW/[1,1,1,2]',
    why: 'x_in = floor(x_out / 2): each pixel repeats twice along W and twice along H: [[1,1,2,2],[1,1,2,2]]',
    build: (g) => g.output(g.node('resize', [g.input('x', [1, 1, 1, 2], { layout: 'NCHW', values: [1, 2] })], { mode: 'nearest', coordinateTransform: 'asymmetric', nearestMode: 'floor', scales: [2, 2] }, 'y')),
    expected: values([1, 1, 2, 2, 1, 1, 2, 2]),
  });
  cases.push({
    id: 'op/resize/literal/bilinear-align_corners/NCHW/[1,1,1,2]',
    why: 'W 2 -> 4 with align_corners: x_in = x_out * (2-1)/(4-1) = 0, 1/3, 2/3, 1: values 0 + 3*x_in = [0, 1, 2, 3]; H 1 -> 1',
    build: (g) => g.output(g.node('resize', [g.input('x', [1, 1, 1, 2], { layout: 'NCHW', values: [0, 3] })], { mode: 'bilinear', coordinateTransform: 'align_corners', size: [1, 4] }, 'y')),
    expected: values([0, 1, 2, 3]),
  });
  cases.push({
    id: 'op/resize/literal/bilinear-half_pixel/NCHW/[1,1,1,2]',
    why: 'W 2 -> 4 with half_pixel: x_in = (x_out + 0.5)/2 - 0.5 = -0.25, 0.25, 0.75, 1.25, clamped to [0, 1]: 0, 0.25, 0.75, 1; values 4*x_in = [0, 1, 3, 4]',
    build: (g) => g.output(g.node('resize', [g.input('x', [1, 1, 1, 2], { layout: 'NCHW', values: [0, 4] })], { mode: 'bilinear', coordinateTransform: 'half_pixel', size: [1, 4] }, 'y')),
    expected: values([0, 1, 3, 4]),
  });
  return cases;
}

export function padCases(): CaseDef[] {
  const cases: CaseDef[] = [];
  for (const layout of ['NCHW', 'NHWC'] as const) {
    cases.push(oneOp('pad', 'constant-zero', layout, [1, 2, 3, 4], { pads: [1, 1, 1, 1] }));
    cases.push(oneOp('pad', 'constant-value', layout, [1, 2, 3, 4], { pads: [0, 2, 1, 0], value: 1.5 }, { description: 'asymmetric pads with fill 1.5' }));
    cases.push(oneOp('pad', 'reflect', layout, [2, 2, 4, 5], { pads: [1, 2, 3, 4], mode: 'reflect' }, { description: 'reflect up to size - 1 on each side' }));
    cases.push(oneOp('pad', 'edge', layout, [1, 3, 3, 3], { pads: [2, 0, 1, 5], mode: 'edge' }, { description: 'edge padding may exceed the axis size' }));
  }
  cases.push(oneOp('pad', 'constant-large-negative', 'NCHW', [1, 1, 2, 2], { pads: [1, 1, 1, 1], value: -1e30 }, { description: 'a large negative fill (the pattern of a max-pool written as pad + pool)' }));
  cases.push(oneOp('pad', 'zero-pads', 'NHWC', [1, 3, 3, 2], { pads: [0, 0, 0, 0], mode: 'reflect' }, { description: 'no padding: the identity' }));
  cases.push(oneOp('pad', 'constant-zero-batch', 'NCHW', [0, 2, 3, 3], { pads: [1, 1, 1, 1] }));
  cases.push(oneOp('pad', 'constant-empty-axis', 'NCHW', [1, 2, 0, 3], { pads: [1, 1, 1, 1], value: 2 }, { description: 'padding an empty axis gives rows of fill only' }));
  cases.push(oneOp('pad', 'reflect-specials', 'NCHW', [1, 1, 3, 3], { pads: [2, 2, 2, 2], mode: 'reflect' }, { rx: { special: { 0: 'NaN', 4: 'Infinity', 8: '-0', 2: 1e30 } } }));
  cases.push(oneOp('pad', 'edge', 'NCHW', [1, 3, 3, 3], { pads: [2, 0, 1, 5], mode: 'edge' }, { dtype: 'float16' }));
  cases.push({
    id: 'op/pad/literal/reflect/NCHW/[1,1,1,3]',
    why: 'W = [1,2,3] with left 2, right 2 reflect (edge not repeated): [3,2 | 1,2,3 | 2,1]',
    build: (g) => g.output(g.node('pad', [g.input('x', [1, 1, 1, 3], { layout: 'NCHW', values: [1, 2, 3] })], { pads: [0, 2, 0, 2], mode: 'reflect' }, 'y')),
    expected: values([3, 2, 1, 2, 3, 2, 1]),
  });
  cases.push({
    id: 'op/pad/literal/edge/NHWC/[1,1,2,1]',
    why: 'W = [5,7] with left 1, right 2 edge: [5 | 5,7 | 7,7]',
    build: (g) => g.output(g.node('pad', [g.input('x', [1, 1, 2, 1], { layout: 'NHWC', values: [5, 7] })], { pads: [0, 1, 0, 2], mode: 'edge' }, 'y')),
    expected: values([5, 5, 7, 7, 7]),
  });
  cases.push({
    id: 'op/pad/literal/constant/NCHW/[1,1,1,1]',
    why: 'a single 9 padded by 1 on every side with value -1: a 3x3 of -1 with 9 in the centre',
    build: (g) => g.output(g.node('pad', [g.input('x', [1, 1, 1, 1], { layout: 'NCHW', values: [9] })], { pads: [1, 1, 1, 1], value: -1 }, 'y')),
    expected: values([-1, -1, -1, -1, 9, -1, -1, -1, -1]),
  });
  return cases;
}

/** batchNorm (inference, per channel of the layout) and layerNorm (over trailing axes). */
import type { Layout } from '@skipconn/core';
import { shapeId, values, channelsOf, type CaseDef, type RangeOptions } from '../lib';

function batchNormCase(
  variant: string,
  layout: Layout,
  x: number[],
  opts: { epsilon?: number; rx?: RangeOptions; variance?: [number, number]; mean?: [number, number]; dtype?: 'float16'; description?: string } = {},
): CaseDef {
  const c = channelsOf(layout, x);
  return {
    id: `op/batchNorm/${variant}/${layout}/${shapeId(x)}${opts.dtype ? `/${opts.dtype}` : ''}`,
    description: opts.description ?? `per-channel inference normalization on the ${layout} channel axis`,
    build: (g) => {
      const dtype = opts.dtype;
      const xi = g.input('x', x, { layout, dtype, ...opts.rx });
      const [ml, mh] = opts.mean ?? [-0.5, 0.5];
      const [vl, vh] = opts.variance ?? [0.5, 1.5];
      const ins = [
        xi,
        g.weight('scale', [c], { low: 0.5, high: 1.5, dtype }),
        g.weight('bias', [c], { low: -0.5, high: 0.5, dtype }),
        g.weight('mean', [c], { low: ml, high: mh, dtype }),
        g.weight('variance', [c], { low: vl, high: vh, dtype }),
      ];
      g.output(g.node('batchNorm', ins, opts.epsilon !== undefined ? { epsilon: opts.epsilon } : {}, 'y'));
    },
  };
}

function layerNormCase(
  variant: string,
  layout: Layout | 'none',
  x: number[],
  axis: number,
  opts: { params?: 'none' | 'scale' | 'both'; epsilon?: number; rx?: RangeOptions; dtype?: 'float16'; description?: string } = {},
): CaseDef {
  const a = axis < 0 ? axis + x.length : axis;
  const normalized = x.slice(a);
  return {
    id: `op/layerNorm/${variant}/${layout}/${shapeId(x)}${opts.dtype ? `/${opts.dtype}` : ''}`,
    description: opts.description ?? `normalize over axes ${a}..${x.length - 1}`,
    build: (g) => {
      const dtype = opts.dtype;
      const ins = [g.input('x', x, { layout: layout === 'none' ? undefined : layout, dtype, ...opts.rx })];
      const params = opts.params ?? 'both';
      if (params !== 'none') ins.push(g.weight('scale', normalized, { low: 0.5, high: 1.5, dtype }));
      if (params === 'both') ins.push(g.weight('bias', normalized, { low: -0.5, high: 0.5, dtype }));
      const attrs: Record<string, unknown> = { axis };
      if (opts.epsilon !== undefined) attrs['epsilon'] = opts.epsilon;
      g.output(g.node('layerNorm', ins, attrs, 'y'));
    },
  };
}

export function normCases(): CaseDef[] {
  return [
    batchNormCase('default-eps', 'NCHW', [2, 3, 4, 5]),
    batchNormCase('default-eps', 'NHWC', [2, 4, 5, 3]),
    batchNormCase('default-eps', 'NC', [4, 6]),
    batchNormCase('default-eps', 'NTC', [2, 5, 6]),
    batchNormCase('eps-1e-3', 'NCHW', [1, 4, 3, 3], { epsilon: 1e-3, variance: [0.001, 0.01], description: 'small variances where epsilon matters' }),
    batchNormCase('eps-0', 'NHWC', [1, 3, 3, 4], { epsilon: 0 }),
    batchNormCase('shifted', 'NCHW', [1, 3, 4, 4], { rx: { low: 90, high: 110 }, mean: [95, 105], variance: [20, 40], description: 'a large mean subtracted from nearby values' }),
    batchNormCase('zero-batch', 'NCHW', [0, 3, 4, 4]),
    batchNormCase('zero-spatial', 'NHWC', [1, 0, 4, 3]),
    batchNormCase('specials', 'NCHW', [1, 2, 2, 2], { rx: { special: { 0: 'NaN', 1: 'Infinity', 2: '-Infinity', 3: '-0', 4: 1e30 } } }),
    batchNormCase('default-eps', 'NCHW', [2, 3, 4, 5], { dtype: 'float16' }),
    {
      id: 'op/batchNorm/literal/NC/[2,2]',
      why: 'scale [2, 1], bias [0, 1], mean [1, -1], variance [4, 0.25], epsilon 0: channel 0: 2*(x-1)/2 -> x = [3, 5] gives [2, 4]; channel 1: (x+1)/0.5 + 1 -> x = [0, 1] gives [3, 5]',
      build: (g) => {
        const x = g.input('x', [2, 2], { layout: 'NC', values: [3, 0, 5, 1] });
        g.output(g.node('batchNorm', [x, g.literal('s', [2], [2, 1]), g.literal('b', [2], [0, 1]), g.literal('m', [2], [1, -1]), g.literal('v', [2], [4, 0.25])], { epsilon: 0 }, 'y'));
      },
      expected: values([2, 3, 4, 5]),
    },
    {
      id: 'op/batchNorm/literal/zero-variance/NC/[1,3]',
      why: 'variance 0 and epsilon 0: (x - mean) / 0 gives +Inf for x > mean, -Inf for x < mean and NaN (0/0) for x = mean; scale 1, bias 0',
      build: (g) => {
        const x = g.input('x', [1, 3], { layout: 'NC', values: [2, -2, 0] });
        g.output(g.node('batchNorm', [x, g.literal('s', [3], [1, 1, 1]), g.literal('b', [3], [0, 0, 0]), g.literal('m', [3], [0, 0, 0]), g.literal('v', [3], [0, 0, 0])], { epsilon: 0 }, 'y'));
      },
      expected: values(['Infinity', '-Infinity', 'NaN']),
    },
    layerNormCase('last-axis', 'NTC', [2, 5, 16], -1, { description: 'the transformer LayerNorm over channels' }),
    layerNormCase('last-axis', 'NC', [4, 8], -1),
    layerNormCase('last-axis', 'none', [7], 0, { description: 'rank 1' }),
    layerNormCase('axis1-chw', 'NCHW', [2, 3, 4, 4], 1, { description: 'over C, H and W (GroupNorm with one group)' }),
    layerNormCase('axis-2', 'NTC', [2, 3, 4], -2, { description: 'over the last two axes' }),
    layerNormCase('no-params', 'NC', [3, 10], -1, { params: 'none' }),
    layerNormCase('scale-only', 'NC', [3, 10], -1, { params: 'scale' }),
    layerNormCase('eps-1e-6', 'NTC', [1, 4, 8], -1, { epsilon: 1e-6 }),
    layerNormCase('shifted', 'NC', [3, 32], -1, { rx: { low: 99, high: 101 }, description: 'mean 100, spread 1: a one-pass E[x^2] - E[x]^2 variance loses its digits in float32' }),
    layerNormCase('constant-row', 'NC', [2, 6], -1, { rx: { low: 3, high: 3 }, description: 'zero variance: (x - mean) = 0, so the output is the bias' }),
    layerNormCase('zero-batch', 'NC', [0, 8], -1),
    layerNormCase('specials', 'NC', [3, 4], -1, { rx: { special: { 1: 'NaN', 6: 'Infinity' } }, description: 'a NaN or Inf makes its row NaN; the last row is untouched' }),
    layerNormCase('large', 'NC', [2, 8], -1, { rx: { low: -1e18, high: 1e18 }, description: 'scale invariance at 1e18: squares near 1e36 still fit float32 (3.4e38)' }),
    layerNormCase('last-axis', 'NTC', [2, 5, 16], -1, { dtype: 'float16' }),
    {
      id: 'op/layerNorm/literal/NC/[1,4]',
      why: 'x = [1,2,3,4]: mean 2.5, variance (2.25+0.25+0.25+2.25)/4 = 1.25, epsilon 0, no params: (x-2.5)/sqrt(1.25) = [-1.3416407864998738, -0.4472135954999579, 0.4472135954999579, 1.3416407864998738]',
      build: (g) => g.output(g.node('layerNorm', [g.input('x', [1, 4], { layout: 'NC', values: [1, 2, 3, 4] })], { axis: -1, epsilon: 0 }, 'y')),
      expected: values([-1.3416407864998738, -0.4472135954999579, 0.4472135954999579, 1.3416407864998738]),
    },
  ];
}

/**
 * equal and topK: what a detector's peak decoding computes (centernet: a 3x3 max-pool peak test
 * Equal(x, MaxPool(x)) cast to float, the heatmap multiplied by it, flattened, then TopKV2 over
 * every class and position).
 */
import type { Layout } from '@skipconn/core';
import { shapeId, values, type CaseDef, type Special } from '../lib';

type Lay = Layout | 'none';
const layoutOf = (l: Lay): Layout | undefined => (l === 'none' ? undefined : l);

function topKCase(variant: string, shape: number[], k: number, opts: { dtype?: 'int32' | 'float16'; low?: number; high?: number; description?: string; layout?: Lay; special?: Record<number, Special> } = {}): CaseDef {
  const layout = opts.layout ?? 'none';
  return {
    id: `op/topK/${variant}/${layout}/${shapeId(shape)}/k${k}${opts.dtype ? `/${opts.dtype}` : ''}`,
    description: opts.description,
    build: (g) => {
      const x = g.input('x', shape, { layout: layoutOf(layout), dtype: opts.dtype, low: opts.low, high: opts.high, special: opts.special });
      g.output(...g.nodeOutputs('topK', [x], { k }, 'y', ['values', 'indices']));
    },
  };
}

export function topKCases(): CaseDef[] {
  return [
    topKCase('rows', [3, 10], 4),
    topKCase('all', [2, 7], 7, { description: 'k = the whole axis: a full descending sort' }),
    topKCase('k0', [3, 5], 0, { description: 'k = 0: empty outputs' }),
    topKCase('rank1', [50], 5),
    topKCase('k1', [4, 33], 1, { dtype: 'int32', low: 0, high: 3, description: 'k = 1 among ties: the maximum at the first index holding it' }),
    topKCase('ties-long', [2, 3000], 1100, { dtype: 'int32', low: -50, high: 50, description: 'long rows of about 100 distinct values: runs of ties straddle k and rank 1024' }),
    topKCase('detections', [1, 20480], 100, { description: 'centernet: 100 best of a flattened 16x16x80 heatmap (the model: 128x128x80)' }),
    topKCase('image', [2, 3, 4, 6], 2, { layout: 'NHWC', description: 'an NHWC input: topK along the channels, in logical order' }),
    topKCase('zero-size', [0, 5], 3, { description: 'an empty batch' }),
    topKCase('int32', [4, 12], 5, { dtype: 'int32', low: -6, high: 6, description: 'int32 input with many ties: the lower index first' }),
    topKCase('large', [4, 9], 3, { low: -1e30, high: 1e30 }),
    topKCase('specials', [3, 8], 4, { special: { 0: 'Infinity', 3: '-Infinity', 9: 'Infinity', 10: 'Infinity', 17: '-0' }, description: 'infinities and -0 among random values' }),
    topKCase('float16', [3, 9], 4, { dtype: 'float16', low: -4, high: 4 }),
    {
      id: 'op/topK/literal/ties/none/[3,5]',
      why: 'descending, the lower index first among equals: [1,3,3,0,3] -> 3,3,3 at 1,2,4; [2,2,2,2,2] -> 2,2,2 at 0,1,2; [-1,-0,0,-5,0] -> -0,0,0 at 1,2,4 (-0 equals +0)',
      build: (g) => {
        const x = g.input('x', [3, 5], { values: [1, 3, 3, 0, 3, 2, 2, 2, 2, 2, -1, '-0', 0, -5, 0] });
        g.output(...g.nodeOutputs('topK', [x], { k: 3 }, 'y', ['values', 'indices']));
      },
      expected: { values: { y_values: [3, 3, 3, 2, 2, 2, '-0', 0, 0], y_indices: [1, 2, 4, 0, 1, 2, 1, 2, 4] } },
    },
    {
      id: 'op/topK/literal/infinite-ties/none/[2,5]',
      why: 'equal infinities tie like any equal values: [-Infinity,7,Infinity,7,Infinity] -> Inf,Inf,7 at 2,4,1; [-Infinity,-Infinity,0,-Infinity,1] -> 1,0,-Inf at 4,2,0',
      build: (g) => {
        const x = g.input('x', [2, 5], { values: ['-Infinity', 7, 'Infinity', 7, 'Infinity', '-Infinity', '-Infinity', 0, '-Infinity', 1] });
        g.output(...g.nodeOutputs('topK', [x], { k: 3 }, 'y', ['values', 'indices']));
      },
      expected: { values: { y_values: ['Infinity', 'Infinity', 7, 1, 0, '-Infinity'], y_indices: [2, 4, 1, 4, 2, 0] } },
    },
  ];
}

function equalCase(variant: string, layout: Lay, a: number[], b: number[], opts: { dtype?: 'int32' | 'float16'; low?: number; high?: number; description?: string; special?: Record<number, Special> } = {}): CaseDef {
  return {
    id: `op/equal/${variant}/${layout}/${shapeId(a)}x${shapeId(b)}${opts.dtype ? `/${opts.dtype}` : ''}`,
    description: opts.description,
    build: (g) => {
      const range = { dtype: opts.dtype, low: opts.low, high: opts.high };
      const x = g.input('a', a, { ...range, layout: a.length === 4 && layout !== 'none' ? layout : undefined, special: opts.special });
      const y = g.input('b', b, { ...range, layout: b.length === 4 && layout !== 'none' ? layout : undefined, special: opts.special });
      g.output(g.node('equal', [x, y], {}, 'y'));
    },
  };
}

export function equalCases(): CaseDef[] {
  const cases: CaseDef[] = [
    equalCase('int32', 'none', [4, 9], [4, 9], { dtype: 'int32', low: -3, high: 3, description: 'small integers: about a third equal' }),
    equalCase('broadcast', 'none', [2, 1, 6], [3, 1], { dtype: 'int32', low: 0, high: 3 }),
    equalCase('zero-size', 'none', [0, 4], [4], { dtype: 'int32', low: 0, high: 3 }),
    equalCase('float16', 'none', [3, 5], [3, 5], { dtype: 'float16', low: -4, high: 4, description: 'random floats: all 0' }),
    equalCase('large', 'none', [3, 5], [5], { low: -1e30, high: 1e30 }),
    {
      id: 'op/equal/peaks/NHWC/[1,12,12,5]',
      description: 'centernet: x == maxPool3x3(x) (SAME, stride 1) marks the local maxima, times x keeps their scores',
      build: (g) => {
        const x = g.input('x', [1, 12, 12, 5], { layout: 'NHWC', low: 0, high: 1 });
        const pooled = g.node('maxPool2d', [x], { kernel: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1] }, 'pooled');
        const peaks = g.node('equal', [x, pooled], {}, 'peaks');
        g.output(peaks, g.node('mul', [x, peaks], {}, 'y'));
      },
    },
    {
      id: 'op/equal/peaks/NCHW/[1,5,12,12]',
      build: (g) => {
        const x = g.input('x', [1, 5, 12, 12], { layout: 'NCHW', low: 0, high: 1 });
        const pooled = g.node('maxPool2d', [x], { kernel: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1] }, 'pooled');
        g.output(g.node('equal', [x, pooled], {}, 'y'));
      },
    },
    {
      id: 'op/equal/literal/ieee/none/[8]',
      why: 'IEEE equality: 1 == 1 -> 1; 1 == 2 -> 0; NaN == NaN -> 0; NaN == 1 -> 0; -0 == 0 -> 1; Inf == Inf -> 1; -Inf == Inf -> 0; 1e30 == 1e30 -> 1',
      build: (g) =>
        g.output(g.node('equal', [g.input('a', [8], { values: [1, 1, 'NaN', 'NaN', '-0', 'Infinity', '-Infinity', 1e30] }), g.input('b', [8], { values: [1, 2, 'NaN', 1, 0, 'Infinity', 'Infinity', 1e30] })], {}, 'y')),
      expected: values([1, 0, 0, 0, 1, 1, 0, 1]),
    },
    {
      id: 'op/equal/literal/int32/none/[4]',
      why: 'int32: 7 == 7 -> 1; -2147483648 == 2147483647 -> 0; 0 == 0 -> 1; 5 == -5 -> 0',
      build: (g) => g.output(g.node('equal', [g.input('a', [4], { dtype: 'int32', values: [7, -2147483648, 0, 5] }), g.input('b', [4], { dtype: 'int32', values: [7, 2147483647, 0, -5] })], {}, 'y')),
      expected: values([1, 0, 1, 0]),
    },
  ];
  return cases;
}

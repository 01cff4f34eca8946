/** dense (x @ w^T + b) and matmul (NumPy semantics). */
import type { Layout } from '@skipconn/core';
import { shapeId, values, type CaseDef, type RangeOptions } from '../lib';

function denseCase(variant: string, layout: Layout | 'none', x: number[], out: number, opts: { bias?: boolean; rx?: RangeOptions; positiveW?: boolean; dtype?: 'float16'; description?: string } = {}): CaseDef {
  const inF = x[x.length - 1]!;
  return {
    id: `op/dense/${variant}/${layout}/${shapeId(x)}->${out}${opts.dtype ? `/${opts.dtype}` : ''}`,
    description: opts.description,
    build: (g) => {
      const xi = g.input('x', x, { layout: layout === 'none' ? undefined : layout, dtype: opts.dtype, ...opts.rx });
      const bound = 1 / Math.sqrt(Math.max(1, inF));
      const w = g.weight('w', [out, inF], { low: opts.positiveW ? 0 : -bound, high: bound, dtype: opts.dtype });
      const ins = [xi, w];
      if (opts.bias !== false) ins.push(g.weight('b', [out], { low: -bound, high: bound, dtype: opts.dtype }));
      g.output(g.node('dense', ins, {}, 'y'));
    },
  };
}

function matmulCase(variant: string, a: number[], b: number[], opts: { la?: Layout; ra?: RangeOptions; rb?: RangeOptions; dtype?: 'float16'; description?: string } = {}): CaseDef {
  return {
    id: `op/matmul/${variant}/${opts.la ?? 'none'}/${shapeId(a)}@${shapeId(b)}${opts.dtype ? `/${opts.dtype}` : ''}`,
    description: opts.description,
    build: (g) => {
      const ai = g.input('a', a, { layout: opts.la, dtype: opts.dtype, ...opts.ra });
      const bi = g.input('b', b, { dtype: opts.dtype, ...opts.rb });
      g.output(g.node('matmul', [ai, bi], {}, 'y'));
    },
  };
}

export function linearCases(): CaseDef[] {
  const cases: CaseDef[] = [
    denseCase('bias', 'none', [8], 4, { description: 'rank-1 x' }),
    denseCase('bias', 'NC', [4, 8], 6),
    denseCase('no-bias', 'NC', [4, 8], 6),
    denseCase('bias', 'NTC', [2, 3, 8], 6, { description: 'a token MLP: the layout NTC is kept' }),
    denseCase('bias', 'NHWC', [1, 2, 2, 8], 5, { description: 'a pointwise layer on NHWC (channels last)' }),
    denseCase('bias', 'NCHW', [1, 2, 3, 4], 5, { description: 'on NCHW the last axis is W; the output has no layout' }),
    denseCase('wide', 'NC', [2, 64], 16),
    denseCase('zero-batch', 'NC', [0, 8], 4),
    denseCase('zero-features', 'NC', [3, 0], 4, { description: 'no in-features: the output is the bias' }),
    denseCase('specials', 'NC', [3, 4], 2, { rx: { special: { 0: 'NaN', 5: 'Infinity', 10: '-0' } }, description: 'a NaN row, an Inf row (signs follow w), -0' }),
    denseCase('large', 'NC', [2, 8], 3, { rx: { low: 1e29, high: 1e30 }, positiveW: true, description: 'magnitudes near 1e30 without cancellation' }),
    denseCase('bias', 'NC', [4, 8], 6, { dtype: 'float16' }),
    // One row (a batch-1 classifier head): a matrix-vector product, which GPU adapters may run
    // on a kernel of its own; k odd, k a multiple of 4 but not of 256, k over 2048, many columns.
    denseCase('one-row', 'NC', [1, 37], 300, { description: 'one row, k odd and shorter than a 256-wide workgroup, more columns than a workgroup' }),
    denseCase('one-row', 'NC', [1, 1000], 17, { description: 'one row, k a multiple of 4, not of 256' }),
    denseCase('one-row', 'NC', [1, 2100], 3, { description: 'one row, k over 8 x 256 and not a multiple of 4' }),
    denseCase('one-row', 'NTC', [1, 1, 64], 2000, { description: 'one token, 2000 out-features' }),
    denseCase('one-row', 'NC', [1, 64], 40, { dtype: 'float16' }),
    {
      id: 'op/dense/one-row-residual-relu/NC/[1,300]->70',
      description: 'relu(s + dense(x)) with one row: a fused epilogue on the one-row path',
      build: (g) => {
        const x = g.input('x', [1, 300], { layout: 'NC' });
        const s = g.input('s', [1, 70], { layout: 'NC' });
        const d = g.node('dense', [x, g.param('w', [70, 300], 300), g.param('b', [70], 300)], {}, 'fc');
        g.output(g.node('residual', [s, d], { activation: 'relu' }, 'y'));
      },
    },
    {
      id: 'op/dense/literal/NC/[1,2]->2',
      why: 'w = [[1,2],[3,4]] (out-major), b = [10,20], x = [1,1]: [1+2+10, 3+4+20] = [13, 27]',
      build: (g) => g.output(g.node('dense', [g.input('x', [1, 2], { layout: 'NC', values: [1, 1] }), g.literal('w', [2, 2], [1, 2, 3, 4]), g.literal('b', [2], [10, 20])], {}, 'y')),
      expected: values([13, 27]),
    },
    matmulCase('vector-dot', [8], [8], { description: '[K] @ [K] gives a scalar' }),
    matmulCase('vector-matrix', [8], [8, 3]),
    matmulCase('matrix-vector', [3, 8], [8]),
    matmulCase('2d', [3, 8], [8, 5]),
    matmulCase('batched', [2, 3, 8], [2, 8, 5]),
    matmulCase('broadcast-batch', [2, 1, 3, 4], [3, 4, 5], { description: 'batch dims broadcast: [2,1] with [3] -> [2,3]' }),
    matmulCase('broadcast-rhs', [2, 3, 4], [4, 5], { description: 'one matrix for every batch entry' }),
    matmulCase('attention-scores', [2, 2, 5, 8], [2, 2, 8, 5], { description: 'q @ k^T per batch and head' }),
    matmulCase('projection', [2, 3, 8], [8, 6], { la: 'NTC', description: 'x [N,T,C] @ w [C,D] keeps the layout NTC' }),
    matmulCase('zero-inner', [3, 0], [0, 4], { description: 'K = 0: a sum of nothing, all zeros' }),
    matmulCase('zero-rows', [0, 4], [4, 5]),
    matmulCase('zero-batch', [0, 3, 4], [4, 2]),
    matmulCase('specials', [3, 4], [4, 2], { ra: { special: { 0: 'NaN', 5: 'Infinity', 10: '-0' } } }),
    matmulCase('large', [2, 4], [4, 3], { ra: { low: 1e29, high: 1e30 }, rb: { low: 0, high: 1 } }),
    matmulCase('2d', [3, 8], [8, 5], { dtype: 'float16' }),
    matmulCase('vector-matrix', [37], [37, 50], { description: 'k odd' }),
    matmulCase('one-row', [1, 300], [300, 1000], { description: 'one row, 1000 columns' }),
    matmulCase('one-row', [1, 300], [300, 1], { description: 'one row, one column' }),
    matmulCase('one-row-batched', [2, 1, 40], [2, 40, 12], { description: 'a batch of one-row products (one query token per head)' }),
    matmulCase('one-row-broadcast', [2, 1, 1, 40], [3, 40, 12], { description: 'one-row products, batch dims broadcast' }),
    {
      id: 'op/matmul/literal/2d/none/[2,2]@[2,2]',
      why: '[[1,2],[3,4]] @ [[5,6],[7,8]] = [[1*5+2*7, 1*6+2*8], [3*5+4*7, 3*6+4*8]] = [[19,22],[43,50]]',
      build: (g) => g.output(g.node('matmul', [g.input('a', [2, 2], { values: [1, 2, 3, 4] }), g.input('b', [2, 2], { values: [5, 6, 7, 8] })], {}, 'y')),
      expected: values([19, 22, 43, 50]),
    },
    {
      id: 'op/matmul/literal/vector-dot/none/[3]@[3]',
      why: '[1,2,3] . [4,5,6] = 4 + 10 + 18 = 32, a rank-0 result',
      build: (g) => g.output(g.node('matmul', [g.input('a', [3], { values: [1, 2, 3] }), g.input('b', [3], { values: [4, 5, 6] })], {}, 'y')),
      expected: values([32]),
    },
  ];
  return cases;
}

/** reshape, flatten and transpose: pure data movement, so specials must pass bit-exact. */
import type { Layout } from '@skipconn/core';
import { shapeId, values, type CaseDef, type Special } from '../lib';

const SPECIALS: Record<number, Special> = { 0: 'NaN', 1: 'Infinity', 2: '-Infinity', 3: '-0', 4: 1e30 };

function shapeCase(op: string, variant: string, layout: Layout | 'none', x: number[], attrs: Record<string, unknown>, opts: { specials?: boolean; description?: string } = {}): CaseDef {
  return {
    id: `op/${op}/${variant}/${layout}/${shapeId(x)}`,
    description: opts.description,
    build: (g) => g.output(g.node(op, [g.input('x', x, { layout: layout === 'none' ? undefined : layout, special: opts.specials ? SPECIALS : undefined })], attrs, 'y')),
  };
}

export function shapeCases(): CaseDef[] {
  return [
    shapeCase('reshape', 'split-heads', 'NTC', [2, 5, 8], { shape: [2, 5, 2, 4] }, { description: 'attention head split' }),
    shapeCase('reshape', 'infer', 'none', [2, 3, 4], { shape: [-1, 4] }, { description: 'one -1 inferred' }),
    shapeCase('reshape', 'infer-middle', 'NCHW', [2, 3, 4, 5], { shape: [2, -1, 5] }),
    shapeCase('reshape', 'to-scalar', 'none', [1], { shape: [] }, { description: 'rank 1 to rank 0' }),
    shapeCase('reshape', 'from-scalar', 'none', [], { shape: [1, 1] }),
    shapeCase('reshape', 'declare-layout', 'none', [2, 24], { shape: [2, 3, 8], layout: 'NTC' }, { description: 'the output layout is declared' }),
    shapeCase('reshape', 'zero-size', 'none', [0, 6], { shape: [0, 2, 3] }),
    shapeCase('reshape', 'specials', 'none', [2, 4], { shape: [4, 2] }, { specials: true }),
    shapeCase('flatten', 'axis1', 'NCHW', [2, 3, 4, 5], {}, { description: 'default axis 1: [N, C*H*W] in C-major order' }),
    shapeCase('flatten', 'axis1', 'NHWC', [2, 4, 5, 3], {}, { description: 'NHWC flattens channel-interleaved: a different element order than NCHW' }),
    shapeCase('flatten', 'axis0', 'none', [2, 3, 4], { axis: 0 }, { description: '[1, size]' }),
    shapeCase('flatten', 'axis-rank', 'none', [2, 3, 4], { axis: 3 }, { description: '[size, 1]' }),
    shapeCase('flatten', 'axis-negative', 'NTC', [2, 3, 4], { axis: -1 }),
    shapeCase('flatten', 'axis2', 'NCHW', [2, 3, 4, 5], { axis: 2 }),
    shapeCase('flatten', 'zero-size', 'NCHW', [0, 3, 2, 2], {}),
    shapeCase('flatten', 'specials', 'NCHW', [1, 2, 2, 2], {}, { specials: true }),
    shapeCase('transpose', 'nchw-to-nhwc', 'NCHW', [2, 3, 4, 5], { perm: [0, 2, 3, 1] }, { description: 'the layout becomes NHWC' }),
    shapeCase('transpose', 'nhwc-to-nchw', 'NHWC', [2, 4, 5, 3], { perm: [0, 3, 1, 2] }),
    shapeCase('transpose', 'heads', 'none', [2, 5, 2, 4], { perm: [0, 2, 1, 3] }, { description: '[B, T, H, d] -> [B, H, T, d]' }),
    shapeCase('transpose', 'keys', 'none', [2, 5, 2, 4], { perm: [0, 2, 3, 1] }, { description: '[B, T, H, d] -> [B, H, d, T]' }),
    shapeCase('transpose', 'reverse-default', 'none', [2, 3, 4], {}, { description: 'no perm reverses the axes' }),
    shapeCase('transpose', '2d', 'none', [3, 5], { perm: [1, 0] }),
    shapeCase('transpose', 'rank1', 'none', [6], { perm: [0] }),
    shapeCase('transpose', 'rank0', 'none', [], { perm: [] }),
    shapeCase('transpose', 'rank5', 'none', [2, 1, 3, 2, 2], { perm: [4, 2, 0, 3, 1] }),
    shapeCase('transpose', 'zero-size', 'none', [0, 3, 2], { perm: [2, 0, 1] }),
    shapeCase('transpose', 'specials', 'NCHW', [1, 2, 2, 2], { perm: [0, 2, 3, 1] }, { specials: true }),
    {
      id: 'op/transpose/literal/2d/none/[2,3]',
      why: '[[1,2,3],[4,5,6]] transposed: [[1,4],[2,5],[3,6]]',
      build: (g) => g.output(g.node('transpose', [g.input('x', [2, 3], { values: [1, 2, 3, 4, 5, 6] })], { perm: [1, 0] }, 'y')),
      expected: values([1, 4, 2, 5, 3, 6]),
    },
    {
      id: 'op/flatten/literal/NHWC/[1,1,2,2]',
      why: 'NHWC [1,1,2,2] = pixel 0 (c0=1, c1=2), pixel 1 (c0=3, c1=4): flatten keeps the row-major order [1,2,3,4] (the NCHW equivalent would flatten as [1,3,2,4])',
      build: (g) => g.output(g.node('flatten', [g.input('x', [1, 1, 2, 2], { layout: 'NHWC', values: [1, 2, 3, 4] })], {}, 'y')),
      expected: values([1, 2, 3, 4]),
    },
  ];
}

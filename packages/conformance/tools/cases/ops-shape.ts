/** reshape, flatten, transpose and slice: pure data movement, so specials must pass bit-exact. */
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
    shapeCase('slice', 'channel-chunk-first', 'NCHW', [1, 8, 3, 3], { starts: [0], ends: [4], axes: [1] }, { description: "ShuffleNetV2's x.chunk(2, dim=1), first half" }),
    shapeCase('slice', 'channel-chunk-second', 'NCHW', [1, 8, 3, 3], { starts: [4], ends: [1000000000], axes: [1] }, { description: "second half, end past the axis clamped (PyTorch's x[:, c:] exports end INT64_MAX)" }),
    shapeCase('slice', 'channel-chunk', 'NHWC', [1, 3, 3, 8], { starts: [4], ends: [8], axes: [-1] }, { description: 'channels last: axis -1' }),
    shapeCase('slice', 'spatial-crop', 'NCHW', [1, 2, 6, 6], { starts: [1, 1], ends: [5, 5], axes: [2, 3] }),
    shapeCase('slice', 'class-token', 'NTC', [2, 5, 8], { starts: [0], ends: [1], axes: [1] }, { description: "a ViT's x[:, 0:1]" }),
    shapeCase('slice', 'several-axes-steps', 'none', [2, 5, 7], { starts: [1, 0], ends: [5, 7], axes: [1, 2], steps: [2, 3] }, { description: 'steps 2 and 3: [2, 2, 3]' }),
    shapeCase('slice', 'default-axes', 'none', [4, 5, 6], { starts: [1, -3], ends: [3, 100] }, { description: 'no axes: entries name axes 0 and 1' }),
    shapeCase('slice', 'negative-bounds', 'NTC', [2, 6, 4], { starts: [-4], ends: [-1], axes: [1] }, { description: 'starts and ends counted from the end: 2:5' }),
    shapeCase('slice', 'reverse', 'none', [2, 7], { starts: [-1], ends: [-8], axes: [1], steps: [-1] }, { description: 'x[:, ::-1]: end -8 is below -7, so the walk reaches index 0' }),
    shapeCase('slice', 'negative-step2', 'none', [3, 8], { starts: [6, 2], ends: [0, -100], axes: [1, 0], steps: [-2, -1] }, { description: 'indices 6, 4, 2 on axis 1 and 2, 1, 0 on axis 0' }),
    shapeCase('slice', 'empty-result', 'none', [2, 4], { starts: [3], ends: [1], axes: [1] }, { description: 'start past end with a positive step: [2, 0]' }),
    shapeCase('slice', 'zero-size', 'none', [0, 4], { starts: [1], ends: [3], axes: [1] }),
    shapeCase('slice', 'whole', 'NCHW', [1, 2, 2, 2], { starts: [0], ends: [2], axes: [1] }, { description: 'every axis whole: the identity', specials: true }),
    shapeCase('slice', 'specials', 'none', [8], { starts: [0], ends: [6], steps: [1] }, { specials: true }),
    shapeCase('slice', 'specials-reversed', 'none', [8], { starts: [4], ends: [-9], steps: [-1] }, { specials: true, description: 'NaN, infinities, -0 and 1e30 copied, in reverse' }),
    {
      id: 'op/slice/literal/negative-step/none/[2,3]',
      why: '[[1,2,3],[4,5,6]], axis 1 from 2 to -4 (-4 + 3 = -1, "before 0") by -2: columns 2 and 0, [[3,1],[6,4]]',
      build: (g) => g.output(g.node('slice', [g.input('x', [2, 3], { values: [1, 2, 3, 4, 5, 6] })], { starts: [2], ends: [-4], axes: [1], steps: [-2] }, 'y')),
      expected: values([3, 1, 6, 4]),
    },
    {
      id: 'op/slice/literal/channels/NCHW/[1,4,1,1]',
      why: 'channels [1,2,3,4], 1:3 -> [2,3]',
      build: (g) => g.output(g.node('slice', [g.input('x', [1, 4, 1, 1], { layout: 'NCHW', values: [1, 2, 3, 4] })], { starts: [1], ends: [3], axes: [1] }, 'y')),
      expected: values([2, 3]),
    },
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

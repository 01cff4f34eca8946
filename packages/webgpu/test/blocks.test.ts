/**
 * The skip blocks on `webgpu` against the reference evaluator, with fusion on and off, in both
 * image layouts; and what the compiler did with them (kernel counts, fused kernels, zero-copy
 * concat, arena bytes).
 */
import { GraphBuilder, blocks, randomTensor, type Layout } from '@skipconn/core';
import { checkAgainstReference, useGpu } from './gpu';

const gpu = useGpu();

function image(layout: 'NCHW' | 'NHWC', n: number, c: number, h: number, w: number): number[] {
  return layout === 'NCHW' ? [n, c, h, w] : [n, h, w, c];
}

function build(make: (b: GraphBuilder, x: string) => string, shape: number[], layout: Layout) {
  const b = new GraphBuilder();
  const x = b.input('x', shape, { layout });
  b.output(make(b, x));
  const { validated, weights } = b.build();
  return { vg: validated, weights, feeds: { x: randomTensor(shape, 7) } };
}

describe.each(['NCHW', 'NHWC'] as const)('blocks on webgpu (%s)', (layout) => {
  it.each([true, false])('ResNet basic block, projection shortcut (fusion %s)', async (fusion) => {
    if (!gpu.adapter) return;
    const { vg, weights, feeds } = build((b, x) => blocks.resnetBasicBlock(b, x, 'r', 4, 8, 2), image(layout, 2, 4, 7, 7), layout);
    const report = await checkAgainstReference(gpu.adapter, vg, weights, feeds, { fusion }, 6);
    // Fused: conv1 (+bn1+relu1), conv2 (+bn2), downsample conv (+bn + the residual add + relu).
    expect(report.dispatches).toBe(fusion ? 3 : vg.nodes.length);
  });

  it("ResNet basic block, identity shortcut: two kernels, the add in conv2's epilogue", async () => {
    if (!gpu.adapter) return;
    const { vg, weights, feeds } = build((b, x) => blocks.resnetBasicBlock(b, x, 'r', 8, 8), image(layout, 1, 8, 6, 6), layout);
    const report = await checkAgainstReference(gpu.adapter, vg, weights, feeds, {}, 6);
    expect(report.kernels.map((k) => k.label)).toEqual(['r.conv1+r.bn1+r.relu1', 'r.conv2+r.bn2+r.add']);
  });

  it('SE residual block: the gate is fused with the residual add', async () => {
    if (!gpu.adapter) return;
    const { vg, weights, feeds } = build((b, x) => blocks.seResidualBlock(b, x, 'se', 8, 4), image(layout, 2, 8, 5, 5), layout);
    const report = await checkAgainstReference(gpu.adapter, vg, weights, feeds, {}, 10);
    expect(report.kernels.map((k) => k.label)).toContain('se.se.scale+se.add');
  });

  it.each([1, 2])('DenseNet block, batch %i: layers write into one concat buffer', async (n) => {
    if (!gpu.adapter) return;
    const { vg, weights, feeds } = build((b, x) => blocks.denseBlock(b, x, 'd', 4, 3, 4), image(layout, n, 4, 5, 5), layout);
    const report = await checkAgainstReference(gpu.adapter, vg, weights, feeds, { convPrologue: true }, 13);
    const features = n * (4 + 4 * 3) * 25 * 4;
    const layers = report.kernels.filter((k) => k.shader === 'conv2d').map((k) => k.label);
    expect(layers).toEqual([1, 2, 3, 4].map((i) => `d.layer${i}.norm+d.layer${i}.relu+d.layer${i}.conv`));
    if (layout === 'NCHW' && n === 1) {
      // x's channel slice is contiguous: it is uploaded in place; no copy at all, arena = feature maps.
      expect(report.dispatches).toBe(4);
      expect(report.arenaBytes).toBe(features);
    } else {
      // A strided slice cannot take a contiguous upload: x is copied in once, by the first concat.
      expect(report.kernels.filter((k) => k.shader === 'ewise').map((k) => k.label)).toEqual(['d.concat1[x]']);
      expect(report.arenaBytes).toBe(features + n * 4 * 25 * 4);
    }
  });

  it('DenseNet block on 9x9 (tiled convolutions with the batchNorm + relu prologue)', async () => {
    if (!gpu.adapter) return;
    const { vg, weights, feeds } = build((b, x) => blocks.denseBlock(b, x, 'd', 8, 4, 3), image(layout, 1, 8, 9, 9), layout);
    const report = await checkAgainstReference(gpu.adapter, vg, weights, feeds, { convPrologue: true }, 10);
    expect(report.kernels.filter((k) => k.shader === 'conv2dTiled')).toHaveLength(3);
  });

  it.each([1, 2])('DenseNet block, batch %i, by default: batchNorm + relu stored, plain convolutions into the concat buffer', async (n) => {
    if (!gpu.adapter) return;
    const { vg, weights, feeds } = build((b, x) => blocks.denseBlock(b, x, 'd', 4, 3, 4), image(layout, n, 4, 5, 5), layout);
    const report = await checkAgainstReference(gpu.adapter, vg, weights, feeds, {}, 13);
    expect(report.kernels.filter((k) => k.shader === 'conv2d').map((k) => k.label)).toEqual([1, 2, 3, 4].map((i) => `d.layer${i}.conv`));
    expect(report.kernels.filter((k) => k.shader === 'conv2dTiled')).toHaveLength(0);
  });

  it('U-Net with center crop: the up-convolution writes into the concat buffer', async () => {
    if (!gpu.adapter) return;
    const { vg, weights, feeds } = build((b, x) => blocks.unet2(b, x, 'u', 2, 3), image(layout, 1, 2, 20, 20), layout);
    const report = await checkAgainstReference(gpu.adapter, vg, weights, feeds, {}, 12);
    expect(report.hostedMembers).toBe(1);
    expect(report.kernels.filter((k) => k.label.startsWith('u.skip'))).toHaveLength(1); // only the cropped member is copied
  });
});

describe('sequence blocks on webgpu', () => {
  it.each(['pre', 'post'] as const)('transformer %s-LN: residual + layerNorm fused', async (norm) => {
    if (!gpu.adapter) return;
    const { vg, weights, feeds } = build((b, x) => blocks.transformerBlock(b, x, 't', { batch: 2, tokens: 5, width: 8, heads: 2 }, norm), [2, 5, 8], 'NTC');
    const report = await checkAgainstReference(gpu.adapter, vg, weights, feeds, {}, 20);
    const labels = report.kernels.map((k) => k.label);
    if (norm === 'pre') expect(labels).toContain('t.add1+t.ln2');
    else expect(labels).toEqual(expect.arrayContaining(['t.add1+t.ln1', 't.add2+t.ln2']));
  });

  it.each([true, false])('highway MLP (fusion %s)', async (fusion) => {
    if (!gpu.adapter) return;
    const { vg, weights, feeds } = build((b, x) => blocks.highwayLayer(b, x, 'h', 16), [3, 16], 'NC');
    const report = await checkAgainstReference(gpu.adapter, vg, weights, feeds, { fusion }, 4);
    if (fusion) expect(report.dispatches).toBe(2); // gate dense; transform dense + relu + highway merge
  });

  it.each(['plain', 'rezero', 'layerscale', 'deepnorm', 'stochastic-train', 'stochastic-test'] as const)('residual MLP, %s', async (form) => {
    if (!gpu.adapter) return;
    const { vg, weights, feeds } = build((b, x) => blocks.residualMlpBlock(b, x, 'm', 8, form, 6), [2, 3, 8], 'NTC');
    const report = await checkAgainstReference(gpu.adapter, vg, weights, feeds, {}, 4);
    expect(report.dispatches).toBe(2); // fc1 + gelu, fc2 + the residual merge
  });
});

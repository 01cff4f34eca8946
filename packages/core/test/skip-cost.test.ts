/**
 * Per-skip costs on small graphs; every expected number is counted by hand next to it.
 */
import { GraphBuilder, blocks, findSkips, skipCosts, tensor, toFloat64 } from '../src';

function costsOf(b: GraphBuilder) {
  const { validated, weights } = b.build();
  const skips = findSkips(validated);
  return { skips, costs: skipCosts(validated, skips, weights), weights };
}

describe('skipCosts', () => {
  it('ResNet basic block with a projection shortcut: body, shortcut and merge bytes', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [1, 4, 8, 8], { layout: 'NCHW' });
    b.output(blocks.resnetBasicBlock(b, x, 'l', 4, 8, 2));
    const { costs } = costsOf(b);
    expect(costs).toHaveLength(1);
    // body: conv1 8*4*3*3 + 8 bias = 296, bn1 4 vectors of 8 = 32, conv2 8*8*3*3 + 8 = 584, bn2 32 -> 944
    // shortcut: 1x1 conv 8*4 + 8 = 40, bn 32 -> 72
    // merge output [1,8,4,4] float32: 128 elements * 4 bytes = 512
    expect(costs[0]).toMatchObject({ category: 'projection', scheme: null, bodyParams: 944, shortcutParams: 72, mergeOutputBytes: 512, concat: null, scales: [] });
  });

  it('identity shortcut: no shortcut parameters, category residual', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [1, 2, 3, 3], { layout: 'NCHW' });
    b.output(blocks.resnetBasicBlock(b, x, 'l', 2, 2));
    // conv 2*2*9 + 2 = 38 twice, bn 8 twice -> 92; output 18 floats = 72 bytes
    expect(costsOf(b).costs[0]).toMatchObject({ category: 'residual', bodyParams: 92, shortcutParams: 0, mergeOutputBytes: 72 });
  });

  it('DenseNet block: channel growth and naive versus zero-copy bytes', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [1, 4, 5, 5], { layout: 'NCHW' });
    b.output(blocks.denseBlock(b, x, 'd', 4, 2, 2));
    const { costs } = costsOf(b);
    expect(costs.map((c) => c.category)).toEqual(['concat', 'concat']);
    // concat1 = [x (4 ch), h1 (2 ch)] -> 6 ch; layer1 = bn(4) 16 + conv 2*4*9 + 2 = 74 -> 90
    // bytes: x 100 floats, h1 50, out 150 -> naive (100 + 50 + 150) * 4 = 1200, zero-copy 150 * 4 = 600
    expect(costs[0]).toMatchObject({
      bodyParams: 90,
      shortcutParams: 0,
      mergeOutputBytes: 600,
      concat: { inputChannels: [4, 2], outputChannels: 6, channelGrowth: 2, naiveBytes: 1200, zeroCopyBytes: 600 },
    });
    // concat2 = [x, h1, h2] -> 8 ch; bypasses layer1 (90), concat1, layer2 = bn(6) 24 + conv (2*6*9 + 2 = 110) = 134 -> 224
    // bytes: inputs 100 + 50 + 50, out 200 floats -> naive 400 * 4 = 1600, zero-copy 800
    expect(costs[1]).toMatchObject({
      bodyParams: 224,
      mergeOutputBytes: 800,
      concat: { inputChannels: [4, 2, 2], outputChannels: 8, channelGrowth: 4, naiveBytes: 1600, zeroCopyBytes: 800 },
    });
  });

  it('U-Net center crop: the cropped input cannot be zero-copy', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [1, 2, 6, 6], { layout: 'NCHW' });
    const w = b.weight('c.weight', tensor('float32', [3, 2, 3, 3], new Float32Array(54).fill(0.1)));
    const bias = b.weight('c.bias', tensor('float32', [3], [0, 0, 0]));
    const y = b.node('conv2d', [x, w, bias], {}, 'c'); // valid 3x3: [1,3,4,4]
    b.output(b.node('concat', [x, y], { crop: 'center' }, 'skip'));
    const [cost] = costsOf(b).costs;
    // out [1,5,4,4] = 80 floats = 320 bytes; x 72 floats = 288 bytes, y 48 floats = 192 bytes
    // naive 288 + 192 + 320 = 800; zero-copy 320 + 288 (x is cropped, so it exists whole) = 608
    // body: 3*2*3*3 + 3 = 57
    expect(cost).toMatchObject({
      category: 'concat',
      bodyParams: 57,
      mergeOutputBytes: 320,
      concat: { inputChannels: [2, 3], outputChannels: 5, channelGrowth: 3, naiveBytes: 800, zeroCopyBytes: 608 },
    });
  });

  it('ReZero, LayerScale and DeepNorm scales with their values', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [2, 4], { layout: 'NC' });
    const r = blocks.residualMlpBlock(b, x, 'rz', 4, 'rezero');
    const l = blocks.residualMlpBlock(b, r, 'ls', 4, 'layerscale');
    b.output(blocks.residualMlpBlock(b, l, 'dn', 4, 'deepnorm', 2));
    const { costs, weights } = costsOf(b);
    // each body: fc1 4*4 + 4 = 20, fc2 20 -> 40; the learned scale is the merge's, not the body's
    expect(costs.map((c) => c.bodyParams)).toEqual([40, 40, 40]);
    expect(costs.map((c) => [c.category, c.scheme])).toEqual([
      ['scaled-residual', 'ReZero'],
      ['scaled-residual', 'LayerScale'],
      ['scaled-residual', 'DeepNorm'],
    ]);

    const [rezero] = costs[0]!.scales;
    expect(rezero).toMatchObject({ name: 'beta', kind: 'learned', weight: 'rz.alpha', shape: [], count: 1 });
    expect(rezero!.values![0]).toBeCloseTo(0.1, 7); // the block stores 0.1 in float32

    const gamma = Array.from(toFloat64(weights.get('ls.gamma')!));
    const [layerScale] = costs[1]!.scales;
    expect(layerScale).toMatchObject({ name: 'beta', kind: 'learned', weight: 'ls.gamma', shape: [4], count: 4, values: gamma });
    expect(layerScale!.min).toBe(Math.min(...gamma));
    expect(layerScale!.max).toBe(Math.max(...gamma));
    expect(layerScale!.mean).toBeCloseTo((gamma[0]! + gamma[1]! + gamma[2]! + gamma[3]!) / 4, 12);

    // DeepNorm alpha = (2N)^(1/4) with N = 2: 4^(1/4) = sqrt(2) (to the last bit or so: it is computed as a power)
    const [deepNorm] = costs[2]!.scales;
    expect(deepNorm).toMatchObject({ name: 'alpha', kind: 'constant', weight: null, shape: [], count: 1 });
    for (const v of [deepNorm!.values![0]!, deepNorm!.min!, deepNorm!.max!, deepNorm!.mean!]) expect(v).toBeCloseTo(Math.SQRT2, 14);
  });

  it('learned values are null without the weights', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [1, 4], { layout: 'NC' });
    b.output(blocks.residualMlpBlock(b, x, 'ls', 4, 'layerscale'));
    const { validated } = b.build();
    const [cost] = skipCosts(validated, findSkips(validated));
    expect(cost!.scales[0]).toMatchObject({ weight: 'ls.gamma', count: 4, values: null, min: null, max: null, mean: null });
  });

  it('highway and SE gate: the gates are part of the body', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [1, 3], { layout: 'NC' });
    b.output(blocks.highwayLayer(b, x, 'hw', 3));
    // transform dense 3*3 + 3 = 12, gate dense 12 -> 24; output 3 floats = 12 bytes
    expect(costsOf(b).costs[0]).toMatchObject({ category: 'highway', bodyParams: 24, shortcutParams: 0, mergeOutputBytes: 12 });

    const s = new GraphBuilder();
    const y = s.input('x', [1, 4, 2, 2], { layout: 'NCHW' });
    s.output(blocks.seResidualBlock(s, y, 'se', 4, 2));
    const { costs } = costsOf(s);
    // gate body (SE): fc1 2*4 + 2 = 10, fc2 4*2 + 4 = 12 -> 22
    // residual body: conv1 4*4*9 + 4 = 148, bn1 16, conv2 148, bn2 16, SE 22 -> 350
    expect(costs.map((c) => [c.category, c.bodyParams])).toEqual([
      ['gate', 22],
      ['residual', 350],
    ]);
  });
});

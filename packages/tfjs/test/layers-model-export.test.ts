/**
 * IR -> tfjs LayersModel export: every composite block of core's `blocks` exports to a model that
 * plain tf.loadLayersModel loads (in-memory IO handler) and that gives the reference evaluator's
 * numbers within atol 1e-4 + rtol 1e-3. NCHW sources keep NCHW inputs by default (Permute at the
 * boundary only); layout 'NHWC' makes them channels-last.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { GraphBuilder, blocks, evaluateGraph, randomTensor, type BuiltGraph } from '@skipconn/core';
import '../src/layers';
import { exportLayersModel, type KerasModelJson } from '../src';
import { expectWithin, loadPlain, predict, transposeHost } from './layers-model-helpers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

type Image = blocks.ImageLayout;
const imageShape = (layout: Image, n: number, c: number, h: number, w: number) => (layout === 'NCHW' ? [n, c, h, w] : [n, h, w, c]);

/** Every composite block, named; image blocks in both layouts. */
const BLOCKS: { name: string; layout?: Image; build: () => BuiltGraph }[] = [];
for (const layout of ['NCHW', 'NHWC'] as const) {
  const image = (name: string, c: number, h: number, body: (b: GraphBuilder, x: string) => string) =>
    BLOCKS.push({
      name: `${name} ${layout}`,
      layout,
      build: () => {
        const b = new GraphBuilder(name);
        b.output(body(b, b.input('x', imageShape(layout, 2, c, h, h), { layout })));
        return b.build();
      },
    });
  image('resnet basic identity', 8, 8, (b, x) => blocks.resnetBasicBlock(b, x, 'layer1.0', 8, 8));
  image('resnet basic projection', 4, 8, (b, x) => blocks.resnetBasicBlock(b, x, 'layer2.0', 4, 8, 2));
  image('resnet bottleneck', 8, 8, (b, x) => blocks.resnetBottleneckBlock(b, x, 'layer1.0', 8, 4, 2));
  image('densenet block', 4, 6, (b, x) => blocks.denseBlock(b, x, 'dense1', 4, 3, 3));
  image('se residual block', 8, 6, (b, x) => blocks.seResidualBlock(b, x, 'se1', 8, 4));
  image('unet 2-level crop', 2, 20, (b, x) => blocks.unet2(b, x, 'unet', 2, 4));
  image('resnet + head', 4, 8, (b, x) => {
    const y = blocks.resnetBasicBlock(b, x, 'layer1.0', 4, 8, 2);
    return blocks.dense(b, b.node('flatten', [b.node('globalAvgPool', [y], {}, 'pool')], {}, 'flatten'), 'fc', 8, 5);
  });
}
BLOCKS.push({
  name: 'highway mlp NC',
  build: () => {
    const b = new GraphBuilder('highway');
    let x = b.input('x', [3, 16], { layout: 'NC' });
    for (let i = 0; i < 3; i++) x = blocks.highwayLayer(b, x, `hw${i}`, 16);
    b.output(x);
    return b.build();
  },
});
for (const norm of ['pre', 'post'] as const) {
  BLOCKS.push({
    name: `transformer ${norm}-LN NTC`,
    build: () => {
      const b = new GraphBuilder(`transformer-${norm}`);
      const x = b.input('x', [2, 5, 16], { layout: 'NTC' });
      b.output(blocks.transformerBlock(b, x, 'enc0', { batch: 2, tokens: 5, width: 16, heads: 4 }, norm));
      return b.build();
    },
  });
}
for (const form of ['plain', 'rezero', 'layerscale', 'deepnorm', 'stochastic-train', 'stochastic-test'] as const) {
  BLOCKS.push({
    name: `residual mlp ${form} NTC`,
    build: () => {
      const b = new GraphBuilder(form);
      const x = b.input('x', [2, 3, 8], { layout: 'NTC' });
      b.output(blocks.residualMlpBlock(b, x, 'blk', 8, form, 6));
      return b.build();
    },
  });
}

function topology(a: { modelJson: { modelTopology: unknown } }): KerasModelJson {
  return a.modelJson.modelTopology as KerasModelJson;
}
const classes = (a: { modelJson: { modelTopology: unknown } }) => topology(a).config.layers.map((l) => l.class_name);
/** Permute layers that change storage (named '<value>.permute'), not the graph's own transposes. */
const layoutPermutes = (a: { modelJson: { modelTopology: unknown } }) =>
  topology(a)
    .config.layers.filter((l) => l.class_name === 'Permute' && /\.permute(_\d+)?$/.test(l.name))
    .map((l) => l.name);

describe.each(BLOCKS)('export $name', ({ build, layout }) => {
  const g = build();
  const input = g.graph.inputs[0]!;
  const feed = randomTensor(input.shape, 11, -2, 2);
  const want = evaluateGraph(g.validated, g.weights, { [input.name]: feed }, { float64: true })[g.graph.outputs[0]!]!;

  test('plain tf.loadLayersModel gives the reference numbers, source layout kept', async () => {
    const exported = exportLayersModel(g.validated, g.weights);
    const model = await loadPlain(exported);
    expect(model.inputs[0]!.shape).toEqual(input.shape);
    expectWithin(predict(model, [feed])[0]!, want, 'LayersModel vs reference');
    // Permute only at the boundary (at most one per input and one per output, plus one before a flatten).
    expect(layoutPermutes(exported).length).toBeLessThanOrEqual(layout === 'NCHW' ? 2 : 0);
    model.dispose();
  });

  if (layout === 'NCHW') {
    test("layout 'NHWC': channels-last input and output, no Permute", async () => {
      const exported = exportLayersModel(g.validated, g.weights, { layout: 'NHWC' });
      const model = await loadPlain(exported);
      expect(exported.inputs[0]!.layout).toBe('NHWC');
      expect(model.inputs[0]!.shape).toEqual([input.shape[0], input.shape[2], input.shape[3], input.shape[1]]);
      const out = predict(model, [transposeHost(feed, [0, 2, 3, 1])])[0]!;
      const logical = exported.outputs[0]!.layout === 'NHWC' ? transposeHost(out, [0, 3, 1, 2]) : out;
      expectWithin(logical, want, 'NHWC LayersModel vs reference');
      expect(layoutPermutes(exported)).toEqual([]);
      expect(classes(exported)).not.toContain('Permute');
      model.dispose();
    });
  }
});

describe('standard layers where Keras has them', () => {
  test('ResNet, DenseNet, SE and U-Net blocks use no SkipconnOp', () => {
    for (const b of BLOCKS.filter((x) => x.layout !== undefined)) {
      const g = b.build();
      expect({ block: b.name, opLayers: exportLayersModel(g.validated, g.weights).opLayers }).toEqual({ block: b.name, opLayers: [] });
    }
  });

  test('the transformer uses SkipconnOp for the attention matmuls only (Keras Dot stops at rank 3)', () => {
    const g = BLOCKS.find((b) => b.name.startsWith('transformer pre'))!.build();
    const ops = exportLayersModel(g.validated, g.weights).opLayers.map((u) => u.op);
    expect([...new Set(ops)]).toEqual(['matmul']);
  });
});

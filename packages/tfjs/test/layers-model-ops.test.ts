/**
 * Export of single ops to Keras layers: each case runs through plain tf.loadLayersModel and must
 * give the reference evaluator's numbers. `keras` names the standard Keras layer the op must map
 * to; cases Keras cannot express exactly must fall back to SkipconnOp (and still match).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { evaluateGraph, GraphBuilder, randomTensor, tensor, toFloat64, type Attrs, type Layout } from '@skipconn/core';
import '../src/layers';
import { exportLayersModel, OP_LAYER_CLASS, type KerasModelJson } from '../src';
import { opCase, type OpCase } from './helpers';
import { expectWithin, loadPlain, predict } from './layers-model-helpers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const NCHW = (c: number, h: number, w = h, n = 2) => ({ shape: [n, c, h, w], layout: 'NCHW' as Layout });

interface Case {
  readonly name: string;
  readonly make: () => OpCase;
  /** A standard Keras class the export must contain, or SkipconnOp for a fallback. */
  readonly keras: string;
}

const op = (name: string, keras: string, o: string, x: { shape: readonly number[]; layout?: Layout }, attrs: Attrs = {}, weights: number[][] = [], extra: { shape: number[]; layout?: Layout }[] = []): Case => ({
  name,
  keras,
  make: () => opCase(name, o, x, attrs, weights, extra),
});

/** relu then op: the op's input is non-negative. */
const afterRelu = (name: string, keras: string, o: string, x: { shape: number[]; layout: Layout }, attrs: Attrs): Case => ({
  name,
  keras,
  make: () => {
    const b = new GraphBuilder(name);
    const input = b.input('x', x.shape, { layout: x.layout });
    b.output(b.node(o, [b.node('relu', [input], {}, 'relu')], attrs, 'node'));
    const g = b.build();
    return { name, graph: g.validated, weights: g.weights, feeds: { x: randomTensor(x.shape, 3) } };
  },
});

/** Two convs of x merged by `o`: the merge's inputs are stored channels-last. */
const afterConv = (name: string, keras: string, o: string, attrs: Attrs = {}): Case => ({
  name,
  keras,
  make: () => {
    const b = new GraphBuilder(name);
    const input = b.input('x', [2, 3, 5, 5], { layout: 'NCHW' });
    const conv = (k: string, out: number, seed: number) => b.node('conv2d', [input, b.weight(`${k}.w`, randomTensor([out, 3, 1, 1], seed))], {}, k);
    b.output(b.node(o, [conv('a', 2, 4), conv('b', 4, 5)], attrs, 'node'));
    const g = b.build();
    return { name, graph: g.validated, weights: g.weights, feeds: { x: randomTensor([2, 3, 5, 5], 3) } };
  },
});

/** A conv (channels-last storage in the export) then a slice of its NCHW output: the slice's axes move with the storage. */
const sliceAfterConv = (name: string, attrs: Attrs): Case => ({
  name,
  keras: OP_LAYER_CLASS,
  make: () => {
    const b = new GraphBuilder(name);
    const input = b.input('x', [2, 3, 5, 5], { layout: 'NCHW' });
    const conv = b.node('conv2d', [input, b.weight('w', randomTensor([6, 3, 1, 1], 4))], {}, 'conv');
    b.output(b.node('slice', [conv], attrs, 'node'));
    const g = b.build();
    return { name, graph: g.validated, weights: g.weights, feeds: { x: randomTensor([2, 3, 5, 5], 3) } };
  },
});

const CASES: Case[] = [
  op('conv2d 3x3 pads 1 (same)', 'Conv2D', 'conv2d', NCHW(3, 6), { pads: [1, 1, 1, 1] }, [[4, 3, 3, 3], [4]]),
  op('conv2d asymmetric pads', 'ZeroPadding2D', 'conv2d', NCHW(3, 6), { pads: [0, 1, 2, 1], strides: [2, 2] }, [[4, 3, 3, 3], [4]]),
  op('conv2d groups 2 (block-diagonal)', 'Conv2D', 'conv2d', NCHW(4, 5), { groups: 2, pads: [1, 1, 1, 1] }, [[6, 2, 3, 3], [6]]),
  op('conv2d depthwise multiplier 2', 'DepthwiseConv2D', 'conv2d', NCHW(3, 5), { groups: 3 }, [[6, 1, 3, 3], [6]]),
  // tfjs-layers' DepthwiseConv2D ignores dilation_rate: the export dilates the kernel instead.
  op('conv2d depthwise dilation 2 pads 2 (DeepLabV3)', 'DepthwiseConv2D', 'conv2d', NCHW(4, 9), { groups: 4, dilations: [2, 2], pads: [2, 2, 2, 2] }, [[4, 1, 3, 3], [4]]),
  op('conv2d depthwise dilation [2,3] multiplier 2, valid', 'DepthwiseConv2D', 'conv2d', NCHW(2, 9, 10), { groups: 2, dilations: [2, 3] }, [[4, 1, 3, 3]]),
  op('conv2d depthwise dilation 2 stride 2', 'DepthwiseConv2D', 'conv2d', NCHW(3, 9), { groups: 3, dilations: [2, 2], strides: [2, 2], pads: [2, 2, 2, 2] }, [[3, 1, 3, 3], [3]]),
  op('conv2d dilation 2 stride 2', 'AveragePooling2D', 'conv2d', NCHW(2, 9), { dilations: [2, 2], strides: [2, 2], pads: [2, 2, 2, 2] }, [[3, 2, 3, 3]]),
  op('convTranspose2d stride 2 (U-Net)', 'Conv2DTranspose', 'convTranspose2d', NCHW(4, 4), { strides: [2, 2] }, [[4, 3, 2, 2], [3]]),
  op('convTranspose2d pads, outputPadding, dilation', 'Cropping2D', 'convTranspose2d', NCHW(2, 4), { strides: [2, 2], pads: [1, 1, 1, 1], outputPadding: [1, 1], dilations: [2, 2] }, [[2, 3, 3, 3], [3]]),
  op('convTranspose2d groups 2', 'Conv2DTranspose', 'convTranspose2d', NCHW(4, 3), { groups: 2, strides: [2, 2] }, [[4, 1, 3, 3]]),
  op('maxPool2d 2x2 valid', 'MaxPooling2D', 'maxPool2d', NCHW(3, 6), { kernel: [2, 2], strides: [2, 2] }),
  op('maxPool2d 3x3 s1 pads 1 (same)', 'MaxPooling2D', 'maxPool2d', NCHW(3, 6), { kernel: [3, 3], pads: [1, 1, 1, 1] }),
  afterRelu('maxPool2d 3x3 s2 pads 1 after relu (ResNet stem)', 'ZeroPadding2D', 'maxPool2d', NCHW(3, 8), { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }),
  op('maxPool2d 3x3 s2 pads 1 signed input', OP_LAYER_CLASS, 'maxPool2d', NCHW(3, 8), { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }),
  op('maxPool2d ceil mode = same', 'MaxPooling2D', 'maxPool2d', NCHW(2, 7), { kernel: [2, 2], strides: [2, 2], ceilMode: true }),
  op('avgPool2d 2x2 valid', 'AveragePooling2D', 'avgPool2d', NCHW(3, 6), { kernel: [2, 2], strides: [2, 2], countIncludePad: false }),
  op('avgPool2d pads, countIncludePad', 'ZeroPadding2D', 'avgPool2d', NCHW(3, 6), { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], countIncludePad: true }),
  op('avgPool2d same pads, not counted', 'AveragePooling2D', 'avgPool2d', NCHW(3, 6), { kernel: [3, 3], pads: [1, 1, 1, 1], countIncludePad: false }),
  op('avgPool2d ceil mode, countIncludePad', OP_LAYER_CLASS, 'avgPool2d', NCHW(2, 6), { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceilMode: true, countIncludePad: true }),
  op('globalAvgPool', 'GlobalAveragePooling2D', 'globalAvgPool', NCHW(5, 4)),
  op('resize nearest x2 asymmetric floor', 'UpSampling2D', 'resize', NCHW(3, 4), { mode: 'nearest', coordinateTransform: 'asymmetric', nearestMode: 'floor', scales: [2, 2] }),
  op('resize nearest x2 half_pixel (ONNX default)', 'UpSampling2D', 'resize', NCHW(3, 4), { mode: 'nearest', scales: [2, 2] }),
  op('resize bilinear x2 asymmetric', 'UpSampling2D', 'resize', NCHW(3, 4), { mode: 'bilinear', coordinateTransform: 'asymmetric', scales: [2, 2] }),
  op('resize bilinear align_corners to 7x9', OP_LAYER_CLASS, 'resize', NCHW(3, 4), { mode: 'bilinear', coordinateTransform: 'align_corners', size: [7, 9] }),
  op('resize bilinear half_pixel x2', OP_LAYER_CLASS, 'resize', NCHW(3, 4), { mode: 'bilinear', coordinateTransform: 'half_pixel', scales: [2, 2] }),
  op('pad constant 0', 'ZeroPadding2D', 'pad', NCHW(3, 4), { pads: [1, 2, 0, 1] }),
  op('pad reflect', OP_LAYER_CLASS, 'pad', NCHW(3, 4), { pads: [1, 2, 1, 1], mode: 'reflect' }),
  op('batchNorm NCHW', 'BatchNormalization', 'batchNorm', NCHW(4, 3), { epsilon: 1e-3 }, [[4], [4], [4], [4]]),
  op('batchNorm NC', 'BatchNormalization', 'batchNorm', { shape: [3, 6], layout: 'NC' }, {}, [[6], [6], [6], [6]]),
  op('layerNorm NTC last axis', 'LayerNormalization', 'layerNorm', { shape: [2, 3, 8], layout: 'NTC' }, {}, [[8], [8]]),
  op('layerNorm NCHW over C,H,W', 'LayerNormalization', 'layerNorm', NCHW(3, 4), { axis: 1 }, [
    [3, 4, 4],
    [3, 4, 4],
  ]),
  op('softmax channels NHWC', 'Softmax', 'softmax', { shape: [2, 3, 3, 4], layout: 'NHWC' }, { axis: 'channels' }),
  op('softmax channels NCHW, no conv near', OP_LAYER_CLASS, 'softmax', NCHW(4, 3), { axis: 'channels' }),
  op('softmax axis 2 of NCHW (H)', OP_LAYER_CLASS, 'softmax', NCHW(4, 3), { axis: 2 }),
  op('gelu erf', 'Activation', 'gelu', NCHW(2, 3)),
  op('gelu tanh', OP_LAYER_CLASS, 'gelu', NCHW(2, 3), { approximate: 'tanh' }),
  op('silu', 'Activation', 'silu', { shape: [3, 5], layout: 'NC' }),
  op('clip(0, 0.5) (ReLU6-style)', 'ReLU', 'clip', NCHW(2, 3), { min: 0, max: 0.5 }),
  op('clip(-0.5, 0.5)', OP_LAYER_CLASS, 'clip', NCHW(2, 3), { min: -0.5, max: 0.5 }),
  op('hardSigmoid with the defaults (alpha 0.2)', 'Activation', 'hardSigmoid', NCHW(2, 3)),
  op("hardSigmoid PyTorch's alpha 1/6", OP_LAYER_CLASS, 'hardSigmoid', NCHW(2, 3), { alpha: 1 / 6, beta: 0.5 }),
  op('elu with alpha 1', 'Activation', 'elu', NCHW(2, 3)),
  op('elu with alpha 0.5', OP_LAYER_CLASS, 'elu', NCHW(2, 3), { alpha: 0.5 }),
  afterRelu('sqrt after relu (no Keras layer)', OP_LAYER_CLASS, 'sqrt', NCHW(2, 3), {}),
  op('dense on NC', 'Dense', 'dense', { shape: [3, 6], layout: 'NC' }, {}, [[4, 6], [4]]),
  op('dense on the W axis of NCHW', 'Dense', 'dense', NCHW(2, 3, 5), {}, [[4, 5]]),
  op('matmul by a weight', 'Dense', 'matmul', { shape: [2, 3, 6], layout: 'NTC' }, {}, [[6, 4]]),
  op('matmul of two activations', OP_LAYER_CLASS, 'matmul', { shape: [2, 3, 6] }, {}, [], [{ shape: [2, 6, 4] }]),
  op('flatten NCHW (permute back first)', 'Flatten', 'flatten', NCHW(3, 2, 4)),
  op('reshape', 'Reshape', 'reshape', { shape: [2, 6, 4] }, { shape: [2, 3, 8] }),
  op('reshape across the batch', OP_LAYER_CLASS, 'reshape', { shape: [2, 6, 4] }, { shape: [4, 12] }),
  op('transpose NCHW -> NHWC', 'InputLayer', 'transpose', NCHW(3, 2, 4), { perm: [0, 2, 3, 1] }),
  op('transpose [0,2,1,3]', 'Permute', 'transpose', { shape: [2, 3, 4, 5] }, { perm: [0, 2, 1, 3] }),
  op('transpose moving the batch', OP_LAYER_CLASS, 'transpose', { shape: [2, 3, 4] }, { perm: [1, 0, 2] }),
  sliceAfterConv('slice channels 3:6 of a conv (ShuffleNetV2 chunk)', { starts: [3], ends: [6], axes: [1] }),
  sliceAfterConv('slice H by 2 and W backwards after a conv', { starts: [0, -1], ends: [5, -6], axes: [2, 3], steps: [2, -1] }),
  op('slice a token range by steps', OP_LAYER_CLASS, 'slice', { shape: [2, 6, 4], layout: 'NTC' }, { starts: [1], ends: [100], axes: [1], steps: [2] }),
  op('add same shape', 'Add', 'add', NCHW(3, 4), {}, [], [NCHW(3, 4)]),
  op('mul same shape', 'Multiply', 'mul', NCHW(3, 4), {}, [], [NCHW(3, 4)]),
  op('add scalar weight', 'Rescaling', 'add', NCHW(3, 4), {}, [[]]),
  op('mul scalar weight', 'Rescaling', 'mul', { shape: [2, 5], layout: 'NC' }, {}, [[1]]),
  op('sub scalar weight', 'Rescaling', 'sub', { shape: [2, 5], layout: 'NC' }, {}, [[]]),
  op('add NCHW bias [C,1,1]', OP_LAYER_CLASS, 'add', NCHW(3, 4), {}, [[3, 1, 1]]),
  op('sub of activations', OP_LAYER_CLASS, 'sub', NCHW(3, 4), {}, [], [NCHW(3, 4)]),
  op('div by a weight', OP_LAYER_CLASS, 'div', { shape: [2, 5], layout: 'NC' }, {}, [[5]]),
  op('residual LayerScale per channel NCHW, gelu_tanh', 'SkipconnResidual', 'residual', NCHW(3, 4), { beta: 'learned', activation: 'gelu_tanh' }, [[3]], [NCHW(3, 4)]),
  op('residual alpha scalar, beta channel', OP_LAYER_CLASS, 'residual', NCHW(3, 4), { alpha: 'learned', beta: 'learned' }, [[], [3]], [NCHW(3, 4)]),
  op('residual plain (ResNet v2)', 'Add', 'residual', NCHW(3, 4), {}, [], [NCHW(3, 4)]),
  op('residual relu (ResNet v1)', 'Add', 'residual', NCHW(3, 4), { activation: 'relu' }, [], [NCHW(3, 4)]),
  op('residual silu', 'Activation', 'residual', { shape: [2, 5], layout: 'NC' }, { activation: 'silu' }, [], [{ shape: [2, 5], layout: 'NC' }]),
  op('residual constant alpha (DeepNorm)', 'SkipconnResidual', 'residual', NCHW(3, 4), { alpha: 2.5 }, [], [NCHW(3, 4)]),
  op('residual stochastic depth scale-at-test', 'SkipconnResidual', 'residual', NCHW(3, 4), { stochasticDepth: { survivalProb: 0.8, convention: 'scale-at-test' } }, [], [NCHW(3, 4)]),
  afterConv('concat after convs (channels last)', 'Concatenate', 'concat'),
  op('concat 3 inputs NCHW kept in logical order', 'SkipconnConcat', 'concat', NCHW(2, 4), {}, [], [NCHW(3, 4), NCHW(1, 4)]),
  op('concat center crop NCHW', 'SkipconnConcat', 'concat', NCHW(2, 7), { crop: 'center' }, [], [NCHW(3, 4)]),
  op('highway separate carry', 'SkipconnHighway', 'highway', { shape: [3, 6], layout: 'NC' }, { carry: 'separate' }, [], [{ shape: [3, 6] }, { shape: [3, 6] }, { shape: [3, 6] }]),
  op('gate SE NCHW', 'Multiply', 'gate', NCHW(4, 3), { broadcast: ['spatial'] }, [], [{ shape: [2, 4, 1, 1] }]),
  op('gate over the batch', OP_LAYER_CLASS, 'gate', NCHW(4, 3), { broadcast: ['batch', 'spatial'] }, [], [{ shape: [1, 4, 1, 1] }]),
];

const layerClasses = (t: unknown) => (t as KerasModelJson).config.layers.map((l) => l.class_name);

describe.each(CASES)('$name', ({ make, keras }) => {
  test(`maps to ${keras} and matches the reference`, async () => {
    const c = make();
    const exported = exportLayersModel(c.graph, c.weights);
    const classes = layerClasses(exported.modelJson.modelTopology);
    expect(classes).toContain(keras);
    if (keras !== OP_LAYER_CLASS) expect(classes).not.toContain(OP_LAYER_CLASS);
    const model = await loadPlain(exported);
    const feeds = c.graph.graph.inputs.map((i) => c.feeds[i.name]!);
    const want = evaluateGraph(c.graph, c.weights, c.feeds, { float64: true })[c.graph.graph.outputs[0]!]!;
    expectWithin(predict(model, feeds)[0]!, want, c.name);
    model.dispose();
  });
});

test("tfjs-layers' own DepthwiseConv2D ignores dilation_rate (why the export dilates the kernel)", async () => {
  const c = opCase('dw', 'conv2d', NCHW(2, 7, 7, 1), { groups: 2, dilations: [2, 2] }, [[2, 1, 3, 3]]);
  const exported = exportLayersModel(c.graph, c.weights);
  const layer = (exported.modelJson.modelTopology as unknown as KerasModelJson).config.layers.find((l) => l.class_name === 'DepthwiseConv2D')!;
  expect(layer.config['kernel_size']).toEqual([5, 5]);
  expect(layer.config['dilation_rate']).toEqual([1, 1]);
  // The same weights as a 3x3 kernel with dilation_rate 2: tfjs gives a 5x5 output (undilated), not 3x3.
  const w = c.weights.get(c.graph.nodes[0]!.spec.inputs[1]!)!;
  const tfl = await import('@tensorflow/tfjs-layers');
  const dw = tfl.layers.depthwiseConv2d({ kernelSize: 3, dilationRate: 2, useBias: false, dataFormat: 'channelsLast', batchInputShape: [1, 7, 7, 2] });
  const model = tfl.sequential({ layers: [dw] });
  const kernel = tf.transpose(tf.tensor(Float32Array.from(toFloat64(w)), [2, 3, 3, 1]), [1, 2, 0, 3]);
  dw.setWeights([kernel]);
  const out = model.predict(tf.zeros([1, 7, 7, 2])) as tf.Tensor;
  expect(out.shape).toEqual([1, 5, 5, 2]);
  tf.dispose([kernel, out]);
  model.dispose();
});

test('a SkipconnOp layer saved again by tfjs (snake_case config) loads and computes the same', async () => {
  const c = opCase('resize', 'resize', NCHW(3, 4), { mode: 'bilinear', coordinateTransform: 'half_pixel', scales: [2, 2] });
  const model = await loadPlain(exportLayersModel(c.graph, c.weights));
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      saved = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  expect(JSON.stringify(saved!.modelTopology)).toContain('half_pixel');
  const again = await loadPlain({
    modelJson: { modelTopology: saved!.modelTopology as never, weightsManifest: [{ paths: [], weights: saved!.weightSpecs as never }] },
    weightData: new Uint8Array(saved!.weightData as ArrayBuffer),
  });
  const x = randomTensor([2, 3, 4, 4], 9);
  expect(predict(again, [x])[0]!.data).toEqual(predict(model, [x])[0]!.data);
});

test('nodes that read only weights are folded once; a constant data input goes to SkipconnOp', async () => {
  const b = new GraphBuilder('w');
  const x = b.input('x', [2, 3, 4], { layout: 'NTC' });
  // A constant token, transposed once (weight-only), concatenated with the activations (ViT's class token).
  const token = b.node('transpose', [b.weight('token', randomTensor([2, 2, 3], 5))], { perm: [0, 2, 1], layout: 'NTC' }, 'token.t');
  const sum = b.node('add', [b.weight('a', tensor('float32', [6], [1, 2, 3, 4, 5, 6])), b.weight('c', tensor('float32', [6], [1, 1, 1, 1, 1, 1]))], {}, 'constsum');
  b.output(b.node('add', [b.node('concat', [x, token], {}, 'cat'), b.node('reshape', [sum], { shape: [1, 1, 6] }, 'sum.r')], {}, 'y'));
  const g = b.build();
  const exported = exportLayersModel(g.validated, g.weights);
  expect(exported.opLayers.map((u) => u.node)).toEqual(['cat', 'y']);
  const feed = randomTensor([2, 3, 4], 6);
  const want = evaluateGraph(g.validated, g.weights, { x: feed }, { float64: true })['y']!;
  expectWithin(predict(await loadPlain(exported), [feed])[0]!, want, 'folded constants');
});

test('unsupported dtypes are refused with the value named', () => {
  const b = new GraphBuilder('i');
  b.output(b.node('relu', [b.input('x', [2, 3], { dtype: 'float64', layout: 'NC' })], {}, 'r'));
  const g = b.build();
  expect(() => exportLayersModel(g.validated, g.weights)).toThrow(/dtype float64 \(value 'x'\) in a LayersModel export is not supported/);
});

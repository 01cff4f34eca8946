/**
 * tfjs LayersModel -> IR: a functional ResNet-style model built with tf.layers and the skip
 * layers imports, matches tfjs's own predict on the reference evaluator, and its skips are found;
 * it also exports back to a LayersModel with the same numbers. Errors name the layer, class,
 * supported list, or the file.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { FileFormatError, UnsupportedError, evaluateGraph, findSkips, randomTensor, tensor, type HostTensor } from '@skipconn/core';
import { skipConcat, skipGate, skipHighway, skipResidual } from '../src/layers';
import { exportLayersModel, importLayersModel, SUPPORTED_LAYERS } from '../src';
import { loadLayersModelFile, writeLayersModelFiles } from '../src/node';
import { expectWithin, loadPlain, predict, saveToArtifacts } from './layers-model-helpers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const tensorOf = (shape: number[], values: number[]) => tensor('float32', shape, values);
type ST = tfl.SymbolicTensor;
const apply = (layer: { apply(x: ST | ST[]): unknown }, x: ST | ST[]) => layer.apply(x) as ST;

/** A small functional ResNet with Keras Add skips, a SkipResidual LayerScale block, SE, a U-Net-ish concat and a highway head. */
function resnetStyle(): tfl.LayersModel {
  const input = tfl.input({ batchShape: [2, 16, 16, 3], name: 'image' });
  let x = apply(tfl.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', useBias: false, name: 'stem.conv' }), input);
  x = apply(tfl.layers.batchNormalization({ name: 'stem.bn' }), x);
  x = apply(tfl.layers.reLU({ name: 'stem.relu' }), x);
  x = apply(tfl.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same', name: 'stem.pool' }), x); // 4x4
  // ResNet v1 basic block: conv-bn-relu-conv-bn, Add with the identity, relu.
  let h = apply(tfl.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', name: 'b1.conv1' }), x);
  h = apply(tfl.layers.batchNormalization({ name: 'b1.bn2' }), apply(tfl.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', name: 'b1.conv2' }), h));
  x = apply(tfl.layers.activation({ activation: 'relu', name: 'b1.relu' }), apply(tfl.layers.add({ name: 'b1.add' }), [x, h]));
  // Projection block: stride 2 and width 16 on the body, a 1x1 conv on the shortcut.
  h = apply(tfl.layers.depthwiseConv2d({ kernelSize: 3, strides: 2, padding: 'same', depthMultiplier: 2, name: 'b2.dw' }), x);
  h = apply(tfl.layers.conv2d({ filters: 16, kernelSize: 1, activation: 'swish', name: 'b2.pw' }), h);
  const proj = apply(tfl.layers.conv2d({ filters: 16, kernelSize: 1, strides: 2, name: 'b2.proj' }), x);
  x = apply(tfl.layers.add({ name: 'b2.add' }), [proj, h]); // 2x2x16
  // SE gate with Keras layers (GAP -> dense -> dense sigmoid -> reshape -> Multiply), then a LayerScale residual.
  const s = apply(tfl.layers.dense({ units: 4, activation: 'relu', name: 'se.fc1' }), apply(tfl.layers.globalAveragePooling2d({ name: 'se.pool' }), x));
  const gate = apply(tfl.layers.reshape({ targetShape: [1, 1, 16], name: 'se.shape' }), apply(tfl.layers.dense({ units: 16, activation: 'sigmoid', name: 'se.fc2' }), s));
  const gated = apply(tfl.layers.multiply({ name: 'se.scale' }), [x, gate]);
  const body = apply(tfl.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'gelu', name: 'b3.conv' }), gated);
  x = apply(skipResidual({ beta: 'learned', scaleShape: 'channel', betaInit: 0.3, activation: 'relu', name: 'b3.add' }), [x, body]);
  // Decoder-ish: upsample and concat with the stem features (U-Net skip), then a SkipConcat and a SkipGate.
  const up = apply(tfl.layers.upSampling2d({ size: [2, 2], name: 'up' }), x); // 4x4x16
  let d = apply(tfl.layers.concatenate({ name: 'unet.cat' }), [
    up,
    apply(
      tfl.layers.zeroPadding2d({
        padding: [
          [0, 0],
          [0, 0],
        ],
        name: 'noop.pad',
      }),
      apply(tfl.layers.dropout({ rate: 0.5, name: 'drop' }), up),
    ),
  ]);
  d = apply(tfl.layers.averagePooling2d({ poolSize: 2, name: 'down' }), d); // 2x2x32
  const g2 = apply(tfl.layers.dense({ units: 32, activation: 'sigmoid', name: 'g2' }), apply(tfl.layers.globalAveragePooling2d({ name: 'g2.pool' }), d));
  d = apply(skipGate({ broadcastAxes: [1, 2], name: 'gate2' }), [d, apply(tfl.layers.reshape({ targetShape: [1, 1, 32], name: 'g2.shape' }), g2)]);
  d = apply(skipConcat({ name: 'cat2' }), [d, apply(tfl.layers.conv2d({ filters: 4, kernelSize: 1, name: 'cat2.conv' }), d)]);
  // Head: flatten (NHWC order), layer norm, highway, softmax.
  const f = apply(tfl.layers.layerNormalization({ name: 'head.ln' }), apply(tfl.layers.flatten({ name: 'head.flatten' }), d));
  const t = apply(tfl.layers.dense({ units: 144, name: 'hw.t' }), f);
  const hh = apply(tfl.layers.dense({ units: 144, activation: 'tanh', name: 'hw.h' }), f);
  const hw = apply(skipHighway({ name: 'hw' }), [f, hh, t]);
  const out = apply(tfl.layers.dense({ units: 5, activation: 'softmax', name: 'logits' }), hw);
  return tfl.model({ inputs: input, outputs: out, name: 'resnet_style' });
}

/** Gives every BatchNormalization non-trivial statistics, so inference-mode BN is really tested. */
function randomizeStats(model: tfl.LayersModel): void {
  model.layers.forEach((layer, i) => {
    if (layer.getClassName() !== 'BatchNormalization') return;
    layer.setWeights(layer.getWeights().map((w, k) => tf.tensor(randomTensor(w.shape, 100 + 10 * i + k, k === 3 ? 0.5 : -0.3, k === 3 ? 1.5 : 0.3).data, w.shape)));
  });
}

describe('a tfjs functional ResNet-style model', () => {
  let model: tfl.LayersModel;
  let input: HostTensor;
  let want: HostTensor;
  beforeAll(() => {
    model = resnetStyle();
    randomizeStats(model);
    input = randomTensor([2, 16, 16, 3], 4, -1, 1);
    want = predict(model, [input])[0]!;
  });
  afterAll(() => model.dispose());

  test('imports to IR with NHWC values and matches tfjs predict', async () => {
    const imported = importLayersModel(await saveToArtifacts(model));
    expect(imported.graph.inputs).toEqual([{ name: 'image', dtype: 'float32', shape: [2, 16, 16, 3], layout: 'NHWC' }]);
    const got = evaluateGraph(imported.validated, imported.weights, { image: input })[imported.graph.outputs[0]!]!;
    expectWithin(got, want, 'IR (reference) vs tfjs predict');
  });

  test('findSkips lists the Keras Add skips, the SE gate, the concats and the skip layers', async () => {
    const imported = importLayersModel(await saveToArtifacts(model));
    const skips = findSkips(imported.validated);
    const byMerge = Object.fromEntries(skips.map((s) => [s.merge, s]));
    expect(Object.keys(byMerge).sort()).toEqual(['b1.add', 'b2.add', 'b3.add', 'cat2', 'gate2', 'hw', 'se.scale', 'unet.cat'].sort());
    expect(byMerge['b1.add']!.kind).toBe('residual');
    expect(byMerge['b1.add']!.detail).toBe('identity shortcut, relu'); // Add + relu folded (ResNet v1)
    expect(byMerge['b2.add']!.detail).toBe('projection shortcut (b2.proj)');
    expect(byMerge['se.scale']!.kind).toBe('gate');
    expect(byMerge['se.scale']!.detail).toBe('broadcast over spatial');
    expect(byMerge['unet.cat']!.kind).toBe('concat');
    expect(byMerge['b3.add']!.detail).toContain('beta learned');
  });

  test('imports and exports back: plain tf.loadLayersModel gives the same numbers', async () => {
    const imported = importLayersModel(await saveToArtifacts(model));
    const again = await loadPlain(exportLayersModel(imported.validated, imported.weights));
    expectWithin(predict(again, [input])[0]!, want, 'tfjs -> IR -> tfjs');
    again.dispose();
  });

  test("Keras' elu activation imports as elu and matches tfjs predict", async () => {
    const input = tfl.input({ batchShape: [4, 3] });
    const m = tfl.model({ inputs: input, outputs: apply(tfl.layers.dense({ units: 5, activation: 'elu', name: 'fc' }), input) });
    const x = randomTensor([4, 3], 9);
    const imported = importLayersModel(await saveToArtifacts(m));
    expect(imported.graph.nodes.map((n) => n.op)).toEqual(['dense', 'elu']);
    const got = evaluateGraph(imported.validated, imported.weights, { [imported.graph.inputs[0]!.name]: x })[imported.graph.outputs[0]!]!;
    expectWithin(got, predict(m, [x])[0]!, 'elu');
    m.dispose();
  });

  test('a Sequential model imports too', async () => {
    const seq = tfl.sequential({
      layers: [tfl.layers.conv2d({ batchInputShape: [1, 6, 6, 2], filters: 3, kernelSize: 3, activation: 'relu' }), tfl.layers.maxPooling2d({ poolSize: 2 }), tfl.layers.flatten(), tfl.layers.dense({ units: 2 })],
    });
    const x = randomTensor([1, 6, 6, 2], 8);
    const imported = importLayersModel(await saveToArtifacts(seq));
    const got = evaluateGraph(imported.validated, imported.weights, { [imported.graph.inputs[0]!.name]: x })[imported.graph.outputs[0]!]!;
    expectWithin(got, predict(seq, [x])[0]!, 'Sequential');
    seq.dispose();
  });
});

test('Keras 3 topology (inbound nodes as keras tensors, batch_shape) imports', () => {
  const tensorRef = (layer: string) => ({ class_name: '__keras_tensor__', config: { shape: [null, 3], dtype: 'float32', keras_history: [layer, 0, 0] } });
  const kernel = [1, 2, 3, 4, 5, 6];
  const imported = importLayersModel({
    modelJson: {
      modelTopology: {
        class_name: 'Functional',
        config: {
          name: 'k3',
          layers: [
            { name: 'x', class_name: 'InputLayer', config: { batch_shape: [null, 3], name: 'x' }, inbound_nodes: [] },
            { name: 'fc', class_name: 'Dense', config: { units: 2, activation: 'relu', use_bias: false, name: 'fc' }, inbound_nodes: [{ args: [tensorRef('x')], kwargs: {} }] },
          ],
          input_layers: [['x', 0, 0]],
          output_layers: [['fc', 0, 0]],
        },
      },
      weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'fc/kernel', shape: [3, 2], dtype: 'float32' }] }],
    },
    weightData: new Uint8Array(new Float32Array(kernel).buffer),
  });
  const out = evaluateGraph(imported.validated, imported.weights, { x: tensorOf([1, 3], [1, -1, 2]) })[imported.graph.outputs[0]!]!;
  // [1, -1, 2] @ [[1, 2], [3, 4], [5, 6]] = [8, 10]
  expect(Array.from(out.data as Float32Array)).toEqual([8, 10]);
});

describe('import errors', () => {
  test('an unsupported layer names its class, the layer and the supported list', async () => {
    const input = tfl.input({ batchShape: [1, 4, 4, 2] });
    const m = tfl.model({ inputs: input, outputs: apply(tfl.layers.globalMaxPooling2d({ name: 'gmp' }), input) });
    const artifacts = await saveToArtifacts(m);
    expect(() => importLayersModel(artifacts)).toThrow(UnsupportedError);
    expect(() => importLayersModel(artifacts)).toThrow(/node 'gmp' \(GlobalMaxPooling2D\): layer class GlobalMaxPooling2D is not supported; supported: .*Conv2D.*SkipconnResidual/);
    expect(SUPPORTED_LAYERS).toContain('Conv2DTranspose');
  });

  test('an activation tfjs has but the IR lacks is named', async () => {
    const input = tfl.input({ batchShape: [1, 3] });
    const m = tfl.model({ inputs: input, outputs: apply(tfl.layers.dense({ units: 2, activation: 'selu', name: 'fc' }), input) });
    await expect(saveToArtifacts(m).then((a) => importLayersModel(a))).rejects.toThrow(/node 'fc' \(Dense\): activation 'selu' is not supported; supported: linear, relu/);
  });

  describe('files', () => {
    let dir: string;
    let modelFile: string;
    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skipconn-tfjs-'));
      const input = tfl.input({ batchShape: [1, 3] });
      const m = tfl.model({ inputs: input, outputs: apply(tfl.layers.dense({ units: 2, name: 'fc' }), input) });
      modelFile = writeLayersModelFiles(dir, await saveToArtifacts(m)).modelFile;
    });
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    test('a written model reads back', () => {
      expect(loadLayersModelFile(modelFile).graph.nodes.map((n) => n.op)).toEqual(['dense']);
    });

    test('bad JSON names the file', () => {
      const bad = path.join(dir, 'bad.json');
      fs.writeFileSync(bad, '{"modelTopology": ');
      expect(() => loadLayersModelFile(bad)).toThrow(FileFormatError);
      expect(() => loadLayersModelFile(bad)).toThrow(new RegExp(`${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: invalid JSON`));
    });

    test('a missing weight file names it', () => {
      const json = JSON.parse(fs.readFileSync(modelFile, 'utf8'));
      json.weightsManifest[0].paths = ['missing.bin'];
      const f = path.join(dir, 'missing.json');
      fs.writeFileSync(f, JSON.stringify(json));
      expect(() => loadLayersModelFile(f)).toThrow(/missing\.bin: cannot read: no such file.*named in the weights manifest of .*missing\.json/);
    });

    test('weights of the wrong size name the weight file and both sizes', () => {
      const json = JSON.parse(fs.readFileSync(modelFile, 'utf8'));
      fs.writeFileSync(path.join(dir, 'short.bin'), new Uint8Array(12));
      json.weightsManifest[0].paths = ['short.bin'];
      const f = path.join(dir, 'short.json');
      fs.writeFileSync(f, JSON.stringify(json));
      expect(() => loadLayersModelFile(f)).toThrow(/short\.bin: the weights manifest needs 32 bytes \(2 weights\) but the weight data has 12 bytes/);
    });

    test('a weight path out of the folder is refused', () => {
      const json = JSON.parse(fs.readFileSync(modelFile, 'utf8'));
      json.weightsManifest[0].paths = ['../evil.bin'];
      const f = path.join(dir, 'evil.json');
      fs.writeFileSync(f, JSON.stringify(json));
      expect(() => loadLayersModelFile(f)).toThrow(/'\.\.' segments are not allowed/);
    });

    test('a weight missing from the manifest names the layer and the weight', () => {
      const json = JSON.parse(fs.readFileSync(modelFile, 'utf8'));
      json.weightsManifest[0].weights[1].name = 'fc/other';
      const f = path.join(dir, 'renamed.json');
      fs.writeFileSync(f, JSON.stringify(json));
      expect(() => loadLayersModelFile(f)).toThrow(/weight 'fc\/bias' of layer 'fc' is missing from the weights manifest/);
    });
  });
});

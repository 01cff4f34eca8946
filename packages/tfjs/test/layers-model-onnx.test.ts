/**
 * @jest-environment ./packages/onnxruntime-node/test/environment.js
 */
/**
 * The porting round trip: a tfjs functional ResNet-style model with skip layers -> IR ->
 * ONNX (run on ort-node:cpu) -> IR -> tfjs LayersModel, with tfjs's own predict as the reference
 * at every step. Skipped with the reason when @skipconn/onnx or onnxruntime-node is not usable.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { findSkips, randomTensor, type Adapter, type HostTensor, type ValidatedGraph, type WeightStore } from '@skipconn/core';
import { skipConcat, skipGate, skipResidual } from '../src/layers';
import { exportLayersModel, importLayersModel } from '../src';
import { expectWithin, loadPlain, predict, saveToArtifacts } from './layers-model-helpers';

interface OnnxApi {
  exportOnnx(vg: ValidatedGraph, w: WeightStore): Uint8Array;
  importOnnx(bytes: Uint8Array): { validated: ValidatedGraph; weights: Map<string, HostTensor> };
}

async function runtime(): Promise<{ onnx: OnnxApi; ort: Adapter } | string> {
  try {
    const onnx: OnnxApi = await import('@skipconn/onnx');
    const { createOrtNodeAdapter } = await import('@skipconn/onnxruntime-node');
    const ort = createOrtNodeAdapter('cpu');
    await ort.init();
    return { onnx, ort };
  } catch (err) {
    return `@skipconn/onnx or ort-node:cpu is not usable: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
  }
}

type ST = tfl.SymbolicTensor;
const apply = (layer: { apply(x: ST | ST[]): unknown }, x: ST | ST[]) => layer.apply(x) as ST;

/** Conv stem, two residual blocks (Keras Add + relu, SkipResidual with a learned per-channel scale), SE via SkipGate, a concat skip, classifier. */
function model(): tfl.LayersModel {
  const input = tfl.input({ batchShape: [2, 12, 12, 3], name: 'image' });
  let x = apply(tfl.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', name: 'stem' }), input);
  let h = apply(tfl.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', name: 'b1.c1' }), x);
  h = apply(tfl.layers.batchNormalization({ name: 'b1.bn' }), apply(tfl.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', name: 'b1.c2' }), h));
  x = apply(tfl.layers.reLU({ name: 'b1.relu' }), apply(tfl.layers.add({ name: 'b1.add' }), [x, h]));
  h = apply(tfl.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', name: 'b2.c1' }), x);
  const s = apply(
    tfl.layers.reshape({ targetShape: [1, 1, 8], name: 'se.r' }),
    apply(tfl.layers.dense({ units: 8, activation: 'sigmoid', name: 'se.fc' }), apply(tfl.layers.globalAveragePooling2d({ name: 'se.gap' }), h)),
  );
  h = apply(skipGate({ broadcastAxes: [1, 2], name: 'se' }), [h, s]);
  x = apply(skipResidual({ beta: 'learned', scaleShape: 'channel', betaInit: 0.5, name: 'b2.add' }), [x, h]);
  x = apply(tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool' }), x);
  x = apply(skipConcat({ name: 'cat' }), [x, apply(tfl.layers.conv2d({ filters: 4, kernelSize: 1, activation: 'relu', name: 'cat.c' }), x)]);
  const out = apply(tfl.layers.dense({ units: 4, name: 'fc' }), apply(tfl.layers.flatten({ name: 'flat' }), x));
  return tfl.model({ inputs: input, outputs: out, name: 'roundtrip' });
}

describe('tfjs -> IR -> ONNX (ort-node:cpu) -> IR -> tfjs', () => {
  let rt: Awaited<ReturnType<typeof runtime>>;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    rt = await runtime();
  });
  afterAll(async () => {
    if (typeof rt !== 'string') await rt.ort.dispose();
  });

  test('outputs match at every step', async () => {
    if (typeof rt === 'string') {
      console.warn(`skipped: ${rt}`);
      return;
    }
    const source = model();
    const input = randomTensor([2, 12, 12, 3], 21, -1, 1);
    const want = predict(source, [input])[0]!;

    const ir = importLayersModel(await saveToArtifacts(source));
    const onnxBytes = rt.onnx.exportOnnx(ir.validated, ir.weights);
    const back = rt.onnx.importOnnx(onnxBytes);
    const compiled = await rt.ort.compile(back.validated, back.weights);
    const onOrt = (await compiled.run({ [back.validated.graph.inputs[0]!.name]: input }))[back.validated.graph.outputs[0]!]!;
    await compiled.dispose();
    expectWithin(onOrt, want, 'ONNX on ort-node:cpu vs tfjs');
    // The skips survive both conversions.
    expect(
      findSkips(back.validated)
        .map((s) => s.kind)
        .sort(),
    ).toEqual(
      findSkips(ir.validated)
        .map((s) => s.kind)
        .sort(),
    );

    const ported = await loadPlain(exportLayersModel(back.validated, back.weights));
    expectWithin(predict(ported, [input])[0]!, want, 'tfjs -> ONNX -> tfjs vs tfjs');
    ported.dispose();
    source.dispose();
  });
});

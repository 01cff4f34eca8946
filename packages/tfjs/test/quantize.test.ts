/**
 * Weight quantization of the LayersModel export, against tfjs itself: the bytes and manifest
 * entries quantizeWeight writes decode with tfjs-core's own io.decodeWeights to exactly the
 * values it reports as `dequantized`; the affine range is hand-checked; and an exported model with
 * quantized weights loads in plain tf.loadLayersModel and predicts what the reference evaluator
 * gives with those dequantized weights.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { evaluateGraph, GraphBuilder, randomTensor, tensor, toFloat64, type HostTensor } from '@skipconn/core';
import { WEIGHT_QUANTIZATIONS, exportLayersModel, quantizeWeight, type WeightQuantization } from '../src';
import { expectWithin, loadPlain, predict } from './layers-model-helpers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

async function decodeWithTfjs(bytes: Uint8Array, spec: tf.io.WeightsManifestEntry): Promise<Float32Array> {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const decoded = tf.io.decodeWeights(buffer, [spec]);
  const t = decoded[spec.name]!;
  const data = (await t.data()) as Float32Array;
  t.dispose();
  return data;
}

describe('quantizeWeight', () => {
  const values = Float32Array.from([-1.5, -0.25, 0, 0.3, 1.2, 2.75, -0.7, 0.001]);

  it.each(WEIGHT_QUANTIZATIONS.map((q) => [q]))('%s decodes in tfjs-core to exactly the reported values', async (kind: WeightQuantization) => {
    const q = quantizeWeight(values, kind);
    const decoded = await decodeWithTfjs(q.bytes, { name: 'w', shape: [values.length], dtype: 'float32', quantization: q.quantization as tf.io.WeightsManifestEntry['quantization'] });
    expect(Array.from(decoded)).toEqual(Array.from(q.dequantized));
  });

  it('uint8: the range [min, max] shifted so 0 is a level, every value within half a step', () => {
    const q = quantizeWeight(values, 'uint8');
    if (q.quantization.dtype !== 'uint8') throw new Error('expected uint8');
    // scale = (2.75 - -1.5) / 255; zero point round(1.5 / scale) = round(90) = 90; min = -90 * scale
    const scale = 4.25 / 255;
    expect(q.quantization.scale).toBeCloseTo(scale, 15);
    expect(q.quantization.min).toBeCloseTo(-90 * scale, 15);
    expect(q.dequantized[2]).toBe(0);
    values.forEach((v, i) => expect(Math.abs(q.dequantized[i]! - v)).toBeLessThanOrEqual(scale / 2 + 1e-7));
  });

  it('a constant tensor comes back exactly (scale 1, min its value)', () => {
    const q = quantizeWeight(Float32Array.from([0.375, 0.375, 0.375]), 'uint16');
    expect(q.quantization).toEqual({ dtype: 'uint16', scale: 1, min: 0.375 });
    expect(Array.from(q.dequantized)).toEqual([0.375, 0.375, 0.375]);
  });
});

describe('a LayersModel export with quantized weights', () => {
  it.each(WEIGHT_QUANTIZATIONS.map((q) => [q]))('(%s) loads in plain tfjs and computes with the dequantized weights', async (kind: WeightQuantization) => {
    const b = new GraphBuilder('quantized');
    const x = b.input('x', [1, 3, 6, 6], { layout: 'NCHW' });
    const w = b.weight('w', randomTensor([4, 3, 3, 3], 7));
    const bias = b.weight('b', randomTensor([4], 8));
    const y = b.node('conv2d', [x, w, bias], { pads: [1, 1, 1, 1] }, 'conv');
    b.output(b.node('relu', [y], {}, 'y'));
    const { validated, weights } = b.build();
    const exported = exportLayersModel(validated, weights, { quantize: kind });
    const specs = exported.modelJson.weightsManifest.flatMap((g) => g.weights);
    expect(specs.every((s) => s.quantization?.dtype === kind)).toBe(true);
    expect(exported.weightData.byteLength).toBe((4 * 3 * 3 * 3 + 4) * (kind === 'uint8' ? 1 : 2));
    const dequantized = new Map<string, HostTensor>([...weights].map(([name, t]) => [name, tensor('float32', t.shape, quantizeWeight(Float32Array.from(toFloat64(t)), kind).dequantized)]));
    const feed = randomTensor([1, 3, 6, 6], 9);
    const want = evaluateGraph(validated, dequantized, { x: feed })['y']!;
    const model = await loadPlain(exported);
    const [got] = predict(model, [feed]);
    expectWithin(got!, want, `conv + relu (${kind})`);
    model.dispose();
  });
});

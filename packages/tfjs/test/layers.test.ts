/**
 * The skip layers: they train (gradients flow through the skips), save with model.save and load
 * with tf.loadLayersModel, and compute exactly what the IR's merge ops compute.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { GraphBuilder, evaluateGraph, randomTensor, tensor, type Attrs, type HostTensor } from '@skipconn/core';
import { SkipConcat, SkipGate, SkipHighway, SkipResidual, skipResidual } from '../src/layers';
import { worstError } from './helpers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function residualMlp(depth: number, width: number): tfl.LayersModel {
  const input = tfl.input({ shape: [4] });
  let x = tfl.layers.dense({ units: width, name: 'stem' }).apply(input) as tfl.SymbolicTensor;
  for (let i = 0; i < depth; i++) {
    const h = tfl.layers.dense({ units: width, activation: 'relu', name: `block${i}.fc1` }).apply(x);
    const body = tfl.layers.dense({ units: width, name: `block${i}.fc2` }).apply(h);
    x = skipResidual({ beta: 'learned', scaleShape: 'channel', betaInit: 0.1, name: `block${i}.add` }).apply([x, body as tfl.SymbolicTensor]) as tfl.SymbolicTensor;
  }
  const out = tfl.layers.dense({ units: 1, name: 'head' }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}

describe('skip layers train', () => {
  test('a 12-block residual MLP: loss falls and the first layer gets finite, non-zero gradients', async () => {
    const model = residualMlp(12, 16);
    const xs = tf.tensor2d(randomTensor([64, 4], 1).data as Float32Array, [64, 4]);
    const ys = tf.sum(tf.sin(tf.mul(xs, 2)), 1, true);
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
    const stem = model.getLayer('stem').trainableWeights[0]!;
    const { grads } = tf.variableGrads(() => tf.losses.meanSquaredError(ys, model.apply(xs) as tf.Tensor) as tf.Scalar);
    const g = grads[stem.name]!;
    expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
    expect(tf.norm(g).dataSync()[0]).toBeGreaterThan(0);
    tf.dispose(grads);
    const history = await model.fit(xs, ys, { epochs: 30, batchSize: 64, verbose: 0 });
    const losses = history.history['loss'] as number[];
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]! * 0.5);
    tf.dispose([xs, ys]);
    model.dispose();
  });

  test('stochastic depth drops whole samples in training and matches the convention at inference', () => {
    const layer = new SkipResidual({ stochasticDepth: { survivalProb: 0.5, convention: 'scale-at-train' } });
    const shortcut = tf.zeros([200, 3]);
    const body = tf.ones([200, 3]);
    const trained = layer.apply([shortcut, body], { training: true }) as tf.Tensor;
    const rows = tf.unstack(trained).map((r) => Array.from(r.dataSync()));
    expect(rows.every((r) => r.every((v) => v === r[0]) && (r[0] === 0 || r[0] === 2))).toBe(true);
    const kept = rows.filter((r) => r[0] === 2).length;
    expect(kept).toBeGreaterThan(60);
    expect(kept).toBeLessThan(140);
    expect(Array.from((layer.apply([shortcut, body]) as tf.Tensor).dataSync().slice(0, 3))).toEqual([1, 1, 1]);
    const atTest = new SkipResidual({ stochasticDepth: { survivalProb: 0.5, convention: 'scale-at-test' } });
    expect(Array.from((atTest.apply([shortcut, body]) as tf.Tensor).dataSync().slice(0, 3))).toEqual([0.5, 0.5, 0.5]);
  });
});

describe('skip layers serialize', () => {
  test('model.save -> tf.loadLayersModel (in memory) gives the same model and the same numbers', async () => {
    const input = tfl.input({ shape: [6, 6, 3] });
    const enc = tfl.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu' }).apply(input) as tfl.SymbolicTensor; // [4,4,4]
    const squeezed = tfl.layers.globalAveragePooling2d({}).apply(enc) as tfl.SymbolicTensor;
    const g = tfl.layers.reshape({ targetShape: [1, 1, 4] }).apply(tfl.layers.dense({ units: 4, activation: 'sigmoid' }).apply(squeezed) as tfl.SymbolicTensor) as tfl.SymbolicTensor;
    const gated = new SkipGate({ broadcastAxes: [1, 2] }).apply([enc, g]) as tfl.SymbolicTensor;
    const res = new SkipResidual({ alpha: 'learned', beta: 0.5, activation: 'gelu', stochasticDepth: { survivalProb: 0.9, convention: 'scale-at-test' } }).apply([enc, gated]) as tfl.SymbolicTensor;
    const joined = new SkipConcat({ crop: 'center' }).apply([input, res]) as tfl.SymbolicTensor; // crop input 6x6 -> 4x4
    const flat = tfl.layers.flatten().apply(joined) as tfl.SymbolicTensor;
    const t = tfl.layers.dense({ units: 5 }).apply(flat) as tfl.SymbolicTensor;
    const h = tfl.layers.dense({ units: 5, activation: 'relu' }).apply(flat) as tfl.SymbolicTensor;
    const x = tfl.layers.dense({ units: 5 }).apply(flat) as tfl.SymbolicTensor;
    const out = new SkipHighway({ carry: 'coupled' }).apply([x, h, t]) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: out });

    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const topology = JSON.stringify(artifacts!.modelTopology);
    for (const name of ['SkipconnGate', 'SkipconnResidual', 'SkipconnConcat', 'SkipconnHighway']) expect(topology).toContain(name);
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(artifacts!));
    const data = tf.tensor4d(randomTensor([2, 6, 6, 3], 5).data as Float32Array, [2, 6, 6, 3]);
    const a = (model.predict(data) as tf.Tensor).dataSync();
    const b = (loaded.predict(data) as tf.Tensor).dataSync();
    expect(Array.from(b)).toEqual(Array.from(a));
  });

  test('shape errors name the layer, expected and received', () => {
    const x = tfl.input({ shape: [4, 4, 3] });
    const g = tfl.input({ shape: [4, 1, 3] });
    expect(() => new SkipGate({ broadcastAxes: [1], name: 'se' }).apply([x, g])).toThrow(/layer 'se': gate shape broadcasts over undeclared axes: expected g \[null,1,4,3\].*received g \[null,4,1,3\]/);
    expect(() => new SkipResidual({ name: 'add' }).apply([x, tfl.input({ shape: [4, 4, 2] })])).toThrow(/layer 'add': shortcut and body shapes must be equal.*projection/);
  });
});

describe('skip layers compute what the IR merges compute', () => {
  /** Runs one IR merge node on the reference evaluator. */
  function irMerge(op: string, attrs: Attrs, inputs: HostTensor[], layout: 'NHWC' | 'NC', weights: HostTensor[] = []): Float64Array {
    const b = new GraphBuilder(op);
    const names = inputs.map((t, i) => b.input(`in${i}`, t.shape, { layout }));
    weights.forEach((w, i) => names.push(b.weight(`w${i}`, w)));
    b.output(b.node(op, names, attrs, 'y'));
    const g = b.build();
    const feeds = Object.fromEntries(inputs.map((t, i) => [`in${i}`, t]));
    return evaluateGraph(g.validated, g.weights, feeds, { float64: true })['y']!.data as Float64Array;
  }
  const tfOf = (t: HostTensor) => tf.tensor(t.data as Float32Array, [...t.shape]);
  const check = (got: tf.Tensor, want: Float64Array, shape: readonly number[]) => {
    const w = worstError(tensor('float32', shape, got.dataSync() as Float32Array), tensor('float64', shape, want));
    expect(w.excess).toBeLessThanOrEqual(0);
  };

  test('residual: LayerScale per channel, relu, scale-at-test stochastic depth', () => {
    const s = randomTensor([2, 3, 3, 4], 1);
    const body = randomTensor([2, 3, 3, 4], 2);
    const layer = new SkipResidual({ beta: 'learned', scaleShape: 'channel', activation: 'relu', stochasticDepth: { survivalProb: 0.8, convention: 'scale-at-test' } });
    const got = layer.apply([tfOf(s), tfOf(body)]) as tf.Tensor;
    const beta = tensor('float32', [4], layer.getWeights()[0]!.dataSync() as Float32Array);
    const want = irMerge('residual', { beta: 'learned', activation: 'relu', stochasticDepth: { survivalProb: 0.8, convention: 'scale-at-test' } }, [s, body], 'NHWC', [beta]);
    check(got, want, s.shape);
  });

  test('concat with center crop (NHWC)', () => {
    const a = randomTensor([1, 7, 6, 2], 3);
    const b = randomTensor([1, 4, 4, 3], 4);
    check(new SkipConcat({ crop: 'center' }).apply([tfOf(a), tfOf(b)]) as tf.Tensor, irMerge('concat', { crop: 'center' }, [a, b], 'NHWC'), [1, 4, 4, 5]);
  });

  test('highway, separate carry', () => {
    const ins = [5, 6, 7, 8].map((seed) => randomTensor([3, 4], seed, -4, 4));
    check(new SkipHighway({ carry: 'separate' }).apply(ins.map(tfOf)) as tf.Tensor, irMerge('highway', { carry: 'separate' }, ins, 'NC'), [3, 4]);
  });

  test('gate, squeeze-and-excitation broadcast', () => {
    const x = randomTensor([2, 3, 3, 4], 9);
    const g = randomTensor([2, 1, 1, 4], 10);
    check(new SkipGate({ broadcastAxes: [1, 2] }).apply([tfOf(x), tfOf(g)]) as tf.Tensor, irMerge('gate', { broadcast: ['spatial'] }, [x, g], 'NHWC'), x.shape);
  });
});

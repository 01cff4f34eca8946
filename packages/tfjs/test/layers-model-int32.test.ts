/**
 * LayersModel export of int32 graphs: an int32 image input, cast, argMax, floorDiv, int32
 * mul / sub / add that wrap around 2^32, reshape and concat of int32 coordinates, gatherNd and a
 * cast back (MoveNet's keypoint decoding in small). The export is loaded with plain
 * tf.loadLayersModel after `@skipconn/tfjs/layers`, in a new Node process, and compared exactly
 * (int32) or within float32 rounding with the float64 reference evaluator; it imports back.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { GraphBuilder, evaluateGraph, tensor, toFloat64, type HostTensor } from '@skipconn/core';
import { exportLayersModel, importLayersModel } from '../src';
import { saveGraphFile, writeNpyFile } from '@skipconn/core/node';
import { saveLayersModel } from '../src/node';
import { runCli } from '../../cli/test/helpers';
import { predictInFreshProcess } from './layers-model-helpers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function decodingGraph() {
  const b = new GraphBuilder('keypoints');
  const image = b.input('image', [1, 4, 4, 3], { dtype: 'int32', layout: 'NHWC' });
  const pixels = b.node('cast', [image], { to: 'float32' }, 'pixels');
  const flat = b.node('reshape', [pixels], { shape: [1, 16, 3] }, 'flat');
  const index = b.node('argMax', [flat], { axis: 1, keepDims: false }, 'index');
  const width = b.weight('width', tensor('int32', [], [4]));
  const row = b.node('floorDiv', [index, width], {}, 'row');
  const col = b.node('sub', [index, b.node('mul', [row, width], {}, 'rowStart')], {}, 'col');
  // (index * (2^30 + 7)) + (2^31 - 1) wraps around 2^32 for every index > 0.
  const scaled = b.node('mul', [index, b.weight('big', tensor('int32', [], [2 ** 30 + 7]))], {}, 'scaled');
  const wrapped = b.node('add', [scaled, b.weight('max', tensor('int32', [], [2 ** 31 - 1]))], {}, 'wrapped');
  const rowE = b.node('reshape', [row], { shape: [1, 3, 1], layout: 'NTC' }, 'rowE');
  const colE = b.node('reshape', [col], { shape: [1, 3, 1], layout: 'NTC' }, 'colE');
  const coords = b.node('concat', [rowE, colE], {}, 'coords');
  const grid = b.node('reshape', [pixels], { shape: [4, 4, 3] }, 'grid');
  const gathered = b.node('gatherNd', [grid, coords], {}, 'gathered');
  const coordsF = b.node('cast', [coords], { to: 'float32' }, 'coordsF');
  b.output(gathered, wrapped, coordsF);
  return b.build();
}

/** Pixel values 0..255 with one clear maximum per channel at a known place. */
function imageFeed(): HostTensor {
  const data = Int32Array.from({ length: 48 }, (_, i) => (i * 37) % 200);
  data[5 * 3 + 0] = 250; // channel 0 peaks at (1, 1)
  data[14 * 3 + 1] = 251; // channel 1 at (3, 2)
  data[3 * 3 + 2] = 252; // channel 2 at (0, 3)
  return tensor('int32', [1, 4, 4, 3], data);
}

describe('LayersModel export of an int32 graph (keypoint decoding)', () => {
  const g = decodingGraph();
  const feed = imageFeed();
  const want = evaluateGraph(g.validated, g.weights, { image: feed });

  test('the reference decodes the known maxima (the test graph is what it says)', () => {
    expect(Array.from(toFloat64(want['coordsF']!))).toEqual([1, 1, 3, 2, 0, 3]);
    expect(want['wrapped']!.dtype).toBe('int32');
  });

  test('writes an int32 InputLayer, int32 weights, and SkipconnOp for every int32 node', () => {
    const a = exportLayersModel(g.validated, g.weights);
    const layers = (a.modelJson.modelTopology as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } }).config.layers;
    expect(layers.find((l) => l.class_name === 'InputLayer')!.config['dtype']).toBe('int32');
    const specs = a.modelJson.weightsManifest.flatMap((m) => m.weights);
    expect(
      specs
        .filter((s) => s.dtype === 'int32')
        .map((s) => s.name)
        .sort(),
    ).toEqual(['row/input1', 'rowStart/input1', 'scaled/input1', 'wrapped/input1']);
    expect(a.opLayers.map((u) => u.node).sort()).toEqual(['coords', 'coordsF', 'col', 'gathered', 'grid', 'index', 'pixels', 'row', 'rowE', 'colE', 'rowStart', 'scaled', 'wrapped'].sort());
    expect(a.customLayers).toEqual(['SkipconnOp']);
  });

  test('plain tf.loadLayersModel in a new process predicts the reference numbers (int32 exactly)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skipconn-int32-'));
    try {
      const saved = saveLayersModel(dir, g.validated, g.weights);
      const got = predictInFreshProcess(saved.modelFile, [feed]);
      expect(got.map((t) => t.dtype)).toEqual(['float32', 'int32', 'float32']);
      const names = ['gathered', 'wrapped', 'coordsF'];
      got.forEach((t, i) => {
        expect(t.shape).toEqual([...want[names[i]!]!.shape]);
        // Pixel values and coordinates are small integers: float32 holds them exactly too.
        expect(t.data).toEqual(Array.from(toFloat64(want[names[i]!]!)));
      });
      // The wrap is real: index 5 gives 5 * (2^30 + 7) + 2^31 - 1 mod 2^32, as a signed int32.
      const unsigned = (5 * (2 ** 30 + 7) + 2 ** 31 - 1) % 2 ** 32;
      expect(got[1]!.data[0]).toBe(unsigned >= 2 ** 31 ? unsigned - 2 ** 32 : unsigned);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('imports back: the round trip evaluates to the same numbers on the reference', () => {
    const a = exportLayersModel(g.validated, g.weights);
    const back = importLayersModel(a);
    expect(back.validated.graph.inputs[0]!.dtype).toBe('int32');
    const again = evaluateGraph(back.validated, back.weights, { [back.validated.graph.inputs[0]!.name]: feed });
    const outs = back.validated.graph.outputs.map((n) => Array.from(toFloat64(again[n]!)));
    expect(outs).toEqual(['gathered', 'wrapped', 'coordsF'].map((n) => Array.from(toFloat64(want[n]!))));
  });

  test('port --to tfjs --verify judges the int32 export on an int32 image', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skipconn-int32-cli-'));
    try {
      const model = path.join(dir, 'keypoints.json');
      saveGraphFile(model, g.graph, g.weights);
      writeNpyFile(path.join(dir, 'image.npy'), feed);
      const r = await runCli(['port', model, '--to', 'tfjs', '--out', path.join(dir, 'out'), '--verify', '--input', `image=${path.join(dir, 'image.npy')}`]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/verify on tfjs:cpu with plain tf\.loadLayersModel \(atol 0\.0001, rtol 0\.001\): ok/);
      expect(r.stdout).toMatch(/\(it registers SkipconnOp\)/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("why: tfjs-layers' own Reshape hands an int32 value on to the next layer as float32", () => {
    const x = tfl.input({ batchShape: [1, 1], dtype: 'int32' });
    const first = tfl.layers.reshape({ targetShape: [1] }).apply(x) as tfl.SymbolicTensor;
    const y = tfl.layers.reshape({ targetShape: [1, 1] }).apply(first) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: x, outputs: y });
    const out = model.predict(tf.tensor([[2 ** 24 + 1]], [1, 1], 'int32')) as tf.Tensor;
    // The first Reshape's int32 output was cast to its symbolic dtype (float32) before the second read it.
    expect(first.dtype).toBe('float32');
    expect(out.dtype).toBe('float32');
    tf.dispose(out);
    model.dispose();
  });
});

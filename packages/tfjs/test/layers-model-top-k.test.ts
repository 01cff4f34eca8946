/**
 * LayersModel export of topK and equal: centernet's peak decoding in small (equal(x, maxPool3x3(x))
 * as the peak mask, the masked scores flattened, topK of them, the int32 indices split into
 * position and class, an int32 equal and a topK of int32 values), in NHWC and with an NCHW input
 * (the peak test then runs on channels-last values). topK is one SkipconnOp layer with two output
 * tensors; the model is loaded with plain tf.loadLayersModel after `@skipconn/tfjs/layers` (here
 * and in a new Node process) and compared with the float64 reference evaluator (the scores within
 * float32 rounding, indices exactly), and imports back to the same graph's numbers.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { GraphBuilder, evaluateGraph, seededRandom, tensor, toFloat64, type HostTensor, type Layout } from '@skipconn/core';
import '../src/layers';
import { OP_LAYER_CLASS, exportLayersModel, importLayersModel, type KerasModelJson } from '../src';
import { saveLayersModel } from '../src/node';
import { loadPlain, predictInFreshProcess } from './layers-model-helpers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const CLASSES = 3;
const OUTPUTS = ['scores', 'peaks', 'indices', 'position', 'isClass1', 'bestPositions', 'bestPositionsAt'];

function decodingGraph(layout: Layout) {
  const b = new GraphBuilder(`peaks-${layout}`);
  const x = b.input('x', layout === 'NHWC' ? [1, 6, 6, CLASSES] : [1, CLASSES, 6, 6], { layout });
  const pooled = b.node('maxPool2d', [x], { kernel: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1] }, 'pooled');
  const peaks = b.node('equal', [x, pooled], {}, 'peaks');
  const masked = b.node('mul', [x, peaks], {}, 'masked');
  const flat = b.node('reshape', [masked], { shape: [1, 6 * 6 * CLASSES] }, 'flat');
  // k = 30 of 108: more than there are peaks, so zeros tie at the end (the lower index first).
  const [scores, indices] = b.nodeOutputs('topK', [flat], { k: 30 }, 'top', 2);
  const classes = b.weight('classes', tensor('int32', [], [CLASSES]));
  const position = b.node('floorDiv', [indices!, classes], {}, 'position');
  const cls = b.node('sub', [indices!, b.node('mul', [position, classes], {}, 'rowStart')], {}, 'cls');
  const isClass1 = b.node('equal', [cls, b.weight('one', tensor('int32', [1], [1]))], {}, 'isClass1');
  const [bestPositions, bestPositionsAt] = b.nodeOutputs('topK', [position], { k: 5 }, 'best', 2);
  b.output(scores!, peaks, indices!, position, isClass1, bestPositions!, bestPositionsAt!);
  return b.build();
}

/** Scores on a 1/16 grid, so that equal neighbours tie in the max-pool and in topK. */
function feed(layout: Layout): HostTensor {
  const r = seededRandom(layout === 'NHWC' ? 21 : 22);
  const shape = layout === 'NHWC' ? [1, 6, 6, CLASSES] : [1, CLASSES, 6, 6];
  return tensor(
    'float32',
    shape,
    Array.from({ length: 108 }, () => Math.floor(r() * 16) / 16),
  );
}

/** Every element within float32 rounding of the reference (exact for int32 and 1/0 masks). */
function expectReference(got: { dtype: string; shape: readonly number[]; data: ArrayLike<number> }, want: HostTensor, what: string): void {
  expect({ what, dtype: got.dtype, shape: [...got.shape] }).toEqual({ what, dtype: want.dtype === 'int32' ? 'int32' : 'float32', shape: [...want.shape] });
  const w = toFloat64(want);
  const bad = Array.from(got.data).findIndex((v, i) => Math.fround(w[i]!) !== v);
  expect({ what, bad }).toEqual({ what, bad: -1 });
}

describe.each(['NHWC', 'NCHW'] as const)('LayersModel export of topK and equal (%s input)', (layout) => {
  const g = decodingGraph(layout);
  const x = feed(layout);
  const want = evaluateGraph(g.validated, g.weights, { x });

  test('the reference finds peaks, ties at k and a repeated position (the test graph is what it says)', () => {
    const peaks = Array.from(toFloat64(want['peaks']!));
    expect(peaks.filter((v) => v === 1).length).toBeGreaterThan(5);
    expect(peaks.filter((v) => v === 1).length).toBeLessThan(30);
    expect(Array.from(toFloat64(want['top:0']!)).slice(-1)[0]).toBe(0);
    expect(want['top:1']!.dtype).toBe('int32');
    const positions = Array.from(toFloat64(want['position']!));
    expect(new Set(positions).size).toBeLessThan(positions.length);
  });

  test('topK is one SkipconnOp with two output tensors; equal is a SkipconnOp', () => {
    const a = exportLayersModel(g.validated, g.weights);
    const topology = a.modelJson.modelTopology as KerasModelJson;
    const layers = topology.config.layers;
    const top = layers.find((l) => l.name === 'top')!;
    expect(top.class_name).toBe(OP_LAYER_CLASS);
    expect(top.config['op']).toBe('topK');
    const peaks = layers.find((l) => l.name === 'peaks')!;
    expect(peaks.config['op']).toBe('equal');
    // The peak test reads the max-pool's channels-last output: an NCHW model's values are stored NHWC inside.
    expect((peaks.config['inputs'] as { layout?: string }[]).map((i) => i.layout)).toEqual(['NHWC', 'NHWC']);
    // The position's floorDiv reads the second output tensor of 'top'.
    expect(layers.find((l) => l.name === 'position')!.inbound_nodes).toEqual([[['top', 0, 1, {}]]]);
    // Outputs 0 and 2 are the two tensors of 'top' (peaks, output 1, gets a Permute back to NCHW in that layout).
    const outputs = topology.config.output_layers!;
    expect([outputs[0], outputs[2], outputs[5], outputs[6]]).toEqual([
      ['top', 0, 0],
      ['top', 0, 1],
      ['best', 0, 0],
      ['best', 0, 1],
    ]);
    expect(a.outputs.map((o) => [o.name, o.index ?? 0])).toEqual([
      ['top:0', 0],
      ['peaks', 0],
      ['top:1', 1],
      ['position', 0],
      ['isClass1', 0],
      ['best:0', 0],
      ['best:1', 1],
    ]);
    const reasons = Object.fromEntries(a.opLayers.map((u) => [u.node, u.reason]));
    expect(reasons['peaks']).toMatch(/Keras has no elementwise comparison layer/);
    expect(reasons['top']).toMatch(/int32 values/);
    expect(reasons['isClass1']).toMatch(/int32 values/);
    expect(a.customLayers).toEqual([OP_LAYER_CLASS]);
  });

  test('plain tf.loadLayersModel predicts the reference numbers, the indices as int32', async () => {
    const model = await loadPlain(exportLayersModel(g.validated, g.weights));
    try {
      const input = tf.tensor(Float32Array.from(toFloat64(x)), [...x.shape], 'float32');
      const out = model.predict(input) as tf.Tensor[];
      const names = g.validated.graph.outputs;
      expect(out).toHaveLength(names.length);
      out.forEach((t, i) => expectReference({ dtype: t.dtype, shape: t.shape, data: t.dataSync() }, want[names[i]!]!, OUTPUTS[i]!));
      tf.dispose([input, ...out]);
    } finally {
      model.dispose();
    }
  });

  test('a new Node process with only tfjs and @skipconn/tfjs/layers loads and predicts it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skipconn-topk-'));
    try {
      const saved = saveLayersModel(dir, g.validated, g.weights);
      const got = predictInFreshProcess(saved.modelFile, [x]);
      const names = g.validated.graph.outputs;
      got.forEach((t, i) => expectReference(t, want[names[i]!]!, OUTPUTS[i]!));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('imports back: topK with both outputs, equal, and the same numbers on the reference', () => {
    const back = importLayersModel(exportLayersModel(g.validated, g.weights));
    const ops = back.validated.nodes.map((n) => n.type);
    expect(ops.filter((op) => op === 'topK')).toHaveLength(2);
    expect(ops.filter((op) => op === 'equal')).toHaveLength(2);
    const again = evaluateGraph(back.validated, back.weights, { [back.validated.graph.inputs[0]!.name]: x });
    back.validated.graph.outputs.forEach((name, i) => {
      const got = again[name]!;
      expectReference({ dtype: got.dtype, shape: got.shape, data: toFloat64(got) }, want[g.validated.graph.outputs[i]!]!, OUTPUTS[i]!);
    });
  });
});

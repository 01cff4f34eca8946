/**
 * @jest-environment ./packages/onnxruntime-node/test/environment.js
 */
/**
 * The CLI on real GraphModels (test/fixtures/graph-model): `inspect` lists their residual skips,
 * `run` on tfjs:cpu writes what tfjs-converter's execute gives, and `port --to onnx` writes a
 * file that plain onnxruntime-node (an InferenceSession on the written bytes, nothing of
 * skipconn) runs to tfjs-converter's outputs within atol 1e-4 + rtol 1e-3.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ort from 'onnxruntime-node';
import { tensor } from '@skipconn/core';
import { readNpyFile, writeNpyFile } from '@skipconn/core/node';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { weightSpecsOf } from '../src';
import { loadGraphModelFile, readLayersModelFiles } from '../src/node';
import { outputFileName } from '../../cli/src/commands/run';
import { runCli } from '../../cli/test/helpers';
import { GRAPH_MODEL_FIXTURES, imageInput, runWithConverter } from './graph-model-helpers';
import { expectWithin } from './layers-model-helpers';

const MODELS = fs
  .readdirSync(GRAPH_MODEL_FIXTURES)
  .filter((d) => fs.existsSync(path.join(GRAPH_MODEL_FIXTURES, d, 'model.json')))
  .sort();

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skipconn-graph-model-cli-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe.each(MODELS)('skipconn on the GraphModel %s', (name) => {
  const modelFile = path.join(GRAPH_MODEL_FIXTURES, name, 'model.json');
  const imported = loadGraphModelFile(modelFile);
  const input = imported.graph.inputs[0]!;
  const x = imageInput(input.shape, 5);

  test('inspect reads it as tfjs and lists its residual skips', async () => {
    const r = await runCli(['inspect', modelFile, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.format).toBe('tfjs');
    expect(report.inputs).toEqual([{ name: input.name, dtype: 'float32', shape: input.shape, layout: 'NHWC' }]);
    // AddV2 of two computed values (an AddV2 with a Const operand is a bias or a folded batch norm).
    const nodes: { name: string; op: string; input?: string[] }[] = JSON.parse(fs.readFileSync(modelFile, 'utf8')).modelTopology.node;
    const consts = new Set(nodes.filter((n) => n.op === 'Const').map((n) => n.name));
    const adds = nodes.filter((n) => n.op === 'AddV2' && (n.input ?? []).every((i) => !consts.has(i)));
    expect(report.skips.map((s: { kind: string }) => s.kind)).toEqual(adds.map(() => 'residual'));
  });

  test('run on tfjs:cpu writes what tfjs-converter computes', async () => {
    const feed = path.join(dir, `${name}-x.npy`);
    writeNpyFile(feed, x);
    const out = path.join(dir, `${name}-run`);
    const r = await runCli(['run', modelFile, '--adapter', 'tfjs:cpu', '--input', `${input.name}=${feed}`, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const want = await runWithConverter(modelFile, { [input.name]: x }, imported.tfOutputs);
    const files = fs.readdirSync(out);
    expect(files).toHaveLength(imported.graph.outputs.length);
    imported.graph.outputs.forEach((o, i) => {
      expect(files).toContain(outputFileName(o));
      expectWithin(readNpyFile(path.join(out, outputFileName(o))), want[i]!, `${name} ${o}: skipconn run vs tfjs-converter`);
    });
  });

  test("port --to onnx writes a file onnxruntime-node runs to tfjs-converter's outputs", async () => {
    const onnxFile = path.join(dir, `${name}.onnx`);
    const r = await runCli(['port', modelFile, '--to', 'onnx', '--out', onnxFile]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const session = await ort.InferenceSession.create(fs.readFileSync(onnxFile));
    try {
      expect(session.inputNames).toHaveLength(1);
      const feeds = { [session.inputNames[0]!]: new ort.Tensor('float32', Float32Array.from(x.data as Float32Array), [...x.shape]) };
      const results = await session.run(feeds);
      const want = await runWithConverter(modelFile, { [input.name]: x }, imported.tfOutputs);
      expect(session.outputNames).toHaveLength(want.length);
      session.outputNames.forEach((o, i) => {
        const t = results[o]!;
        expectWithin(tensor('float32', t.dims, t.data as Float32Array), want[i]!, `${name} ${o}: onnxruntime-node vs tfjs-converter`);
      });
    } finally {
      await session.release();
    }
  });
});

// The small models only (the LayersModel round trip of all five is in npm run graph-models), with
// the custom layers each export needs: liveness' batch norm is a Mul and an Add of [C] constants,
// which no Keras layer computes, so it takes SkipconnOp.
describe.each([
  ['antispoof', []],
  ['emotion', []],
  ['liveness', ['SkipconnOp']],
])('port --to tfjs of the GraphModel %s', (name, customLayers) => {
  const modelFile = path.join(GRAPH_MODEL_FIXTURES, name, 'model.json');
  const imported = loadGraphModelFile(modelFile);
  const input = imported.graph.inputs[0]!;
  const x = imageInput(input.shape, 5);

  test("names the custom layers it needs, and tf.loadLayersModel + predict gives tfjs-converter's outputs", async () => {
    const out = path.join(dir, `${name}-layers`);
    const r = await runCli(['port', modelFile, '--to', 'tfjs', '--out', out, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { customLayers: string[]; modelFile: string };
    expect(report.customLayers).toEqual(customLayers);
    // Only then are skipconn's layers registered (without custom layers, tfjs-layers' own classes load it).
    if (customLayers.length > 0) await import('../src/layers');
    const files = readLayersModelFiles(report.modelFile);
    const data = files.weightData;
    await tf.setBackend('cpu');
    const model = await tfl.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: files.modelJson.modelTopology as object,
        weightSpecs: weightSpecsOf(files.modelJson) as tf.io.WeightsManifestEntry[],
        weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer,
      }),
    );
    const want = await runWithConverter(modelFile, { [input.name]: x }, imported.tfOutputs);
    const feed = tf.tensor(Float32Array.from(x.data as Float32Array), [...x.shape], 'float32');
    const result = model.predict(feed);
    const got = Array.isArray(result) ? result : [result];
    expect(got).toHaveLength(want.length);
    got.forEach((t, i) => expectWithin(tensor('float32', t.shape, t.dataSync() as Float32Array), want[i]!, `${name} output ${i}: tf.loadLayersModel vs tfjs-converter`));
    tf.dispose([feed, ...got]);
    model.dispose();
  });
});

test('an unsupported TF op is exit 2 naming the op, the node and the supported ops, without a stack trace', async () => {
  const folder = path.join(dir, 'unsupported');
  fs.mkdirSync(folder);
  const modelFile = path.join(folder, 'model.json');
  const placeholder = { name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: { dim: [{ size: '1' }, { size: '4' }] } } } };
  fs.writeFileSync(modelFile, JSON.stringify({ format: 'graph-model', modelTopology: { node: [placeholder, { name: 'gelu/Erf', op: 'Erf', input: ['x'] }] }, weightsManifest: [] }));
  const r = await runCli(['inspect', modelFile]);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/node 'gelu\/Erf' \(Erf\): TF op Erf is not supported; supported: .*_FusedConv2D/);
  expect(r.stderr).not.toMatch(/\n\s+at /);
});

describe('port --to tfjs keeps or sets the weight quantization', () => {
  const antispoof = path.join(GRAPH_MODEL_FIXTURES, 'antispoof', 'model.json');
  const manifestKinds = (dirName: string) => {
    const json = JSON.parse(fs.readFileSync(path.join(dir, dirName, 'model.json'), 'utf8')) as { weightsManifest: { weights: { quantization?: { dtype: string } }[] }[] };
    return [...new Set(json.weightsManifest.flatMap((g) => g.weights).map((w) => w.quantization?.dtype ?? 'float32'))];
  };

  test('a float16-quantized GraphModel is written with float16 weights by default, and verifies', async () => {
    const r = await runCli(['port', antispoof, '--to', 'tfjs', '--out', path.join(dir, 'q-default'), '--verify', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ quantize: 'float16', verify: { ok: true } });
    expect(manifestKinds('q-default')).toEqual(['float16']);
  });

  test('--quantize none writes float32, --quantize uint8 one byte per weight, and a bad value is exit 2', async () => {
    expect((await runCli(['port', antispoof, '--to', 'tfjs', '--out', path.join(dir, 'q-none'), '--quantize', 'none'])).code).toBe(0);
    expect(manifestKinds('q-none')).toEqual(['float32']);
    const r = await runCli(['port', antispoof, '--to', 'tfjs', '--out', path.join(dir, 'q-uint8'), '--quantize', 'uint8', '--verify']);
    expect(r.code).toBe(0);
    expect(manifestKinds('q-uint8')).toEqual(['uint8']);
    const bad = await runCli(['port', antispoof, '--to', 'tfjs', '--out', path.join(dir, 'q-bad'), '--quantize', 'int4']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--quantize must be one of uint8, uint16, float16 or none, received 'int4'/);
  });
});

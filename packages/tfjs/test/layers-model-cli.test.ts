/**
 * The CLI on tfjs models: `skipconn port <fixture>.onnx --to tfjs --verify` passes and the ported
 * model.json loads with plain tf.loadLayersModel and matches PyTorch's output; `inspect` and `run`
 * read a tfjs model.json; a tfjs model ports to ONNX. (The PyTorch fixtures come from the ONNX
 * issue; the fixture cases are skipped with the reason when they are not there.)
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { randomTensor } from '@skipconn/core';
import { readNpyFile, writeNpyFile } from '@skipconn/core/node';
import { skipResidual } from '../src/layers';
import { writeLayersModelFiles } from '../src/node';
import { runCli } from '../../cli/test/helpers';
import { expectWithin, loadPlain, predict, saveToArtifacts, transposeHost } from './layers-model-helpers';

const FIXTURES = path.join(__dirname, '../../onnx/test/fixtures');
const fixtures = fs.existsSync(FIXTURES)
  ? fs
      .readdirSync(FIXTURES)
      .filter((d) => fs.existsSync(path.join(FIXTURES, d, 'model.onnx')))
      .sort()
  : [];

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skipconn-cli-tfjs-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Reads an exported model.json + weight file from disk and loads it with plain tfjs. */
async function loadFromDisk(modelFile: string): Promise<tfl.LayersModel> {
  const json = JSON.parse(fs.readFileSync(modelFile, 'utf8'));
  const weightData = new Uint8Array(fs.readFileSync(path.join(path.dirname(modelFile), json.weightsManifest[0].paths[0])));
  return loadPlain({ modelJson: json, weightData });
}

(fixtures.length === 0 ? describe.skip : describe)(`port <PyTorch fixture>.onnx --to tfjs${fixtures.length === 0 ? ` (skipped: no fixtures in ${FIXTURES})` : ''}`, () => {
  test.each(fixtures)('%s: --verify passes, plain tf.loadLayersModel matches PyTorch', async (name) => {
    const out = path.join(dir, name);
    const r = await runCli(['port', path.join(FIXTURES, name, 'model.onnx'), '--to', 'tfjs', '--out', out, '--verify']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/verify on tfjs:cpu with plain tf\.loadLayersModel \(atol 0\.0001, rtol 0\.001\): ok/);
    // CNN merges are Keras layers; the U-Net's center-crop concat, the highway, attention matmuls and other slopes need ours.
    const needs: Record<string, RegExp> = {
      skip_zoo: /after import '@skipconn\/tfjs\/layers' \(it registers SkipconnConcat, SkipconnHighway\)/,
      transformer_pre_ln: /\(it registers SkipconnOp\)/,
      transformer_post_ln: /\(it registers SkipconnOp\)/,
      vit_tiny: /\(it registers SkipconnOp\)/,
      // attention matmuls of rank 4 and broadcasting adds
      maxvit_tiny: /\(it registers SkipconnOp\)/,
      // PyTorch's Hardsigmoid slope (1/6) is not Keras' hard_sigmoid (0.2)
      mobilenetv3_small_narrow: /\(it registers SkipconnOp\)/,
      // torch.roll's slices joined by a concat the export writes as SkipconnConcat, and attention matmuls
      swin_tiny: /\(it registers SkipconnConcat, SkipconnOp\)/,
    };
    expect(r.stdout).toMatch(needs[name] ?? /standard Keras layers only: plain tf\.loadLayersModel loads it/);
    const model = await loadFromDisk(path.join(out, 'model.json'));
    expectWithin(predict(model, [readNpyFile(path.join(FIXTURES, name, 'input.npy'))])[0]!, readNpyFile(path.join(FIXTURES, name, 'output.npy')), `${name} via CLI port`);
    model.dispose();
  });

  test('--layout NHWC --json: channels-last input, verified on tfjs:wasm', async () => {
    const name = fixtures.find((f) => f.startsWith('resnet')) ?? fixtures[0]!;
    const out = path.join(dir, `${name}-nhwc`);
    const r = await runCli(['port', path.join(FIXTURES, name, 'model.onnx'), '--to', 'tfjs', '--out', out, '--layout', 'NHWC', '--verify', '--adapter', 'tfjs:wasm', '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.verify.ok).toBe(true);
    // ResNet's merges are all Keras Add: nothing to register.
    if (name.startsWith('resnet')) expect(report.customLayers).toEqual([]);
    const input = readNpyFile(path.join(FIXTURES, name, 'input.npy'));
    if (input.shape.length === 4) expect(report.inputs[0].layout).toBe('NHWC');
    await tf.setBackend('cpu');
    const model = await loadFromDisk(report.modelFile);
    const feed = input.shape.length === 4 ? transposeHost(input, [0, 2, 3, 1]) : input;
    let got = predict(model, [feed])[0]!;
    if (report.outputs[0].layout === 'NHWC') got = transposeHost(got, [0, 3, 1, 2]);
    expectWithin(got, readNpyFile(path.join(FIXTURES, name, 'output.npy')), `${name} NHWC`);
    model.dispose();
  });
});

describe('a tfjs model.json on the CLI', () => {
  let modelFile: string;
  let model: tfl.LayersModel;
  beforeAll(async () => {
    const input = tfl.input({ batchShape: [1, 6, 6, 4], name: 'x' });
    const h = tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv' }).apply(input) as tfl.SymbolicTensor;
    const y = tfl.layers.add({ name: 'add' }).apply([input, h]) as tfl.SymbolicTensor;
    const z = skipResidual({ beta: 0.5, name: 'res' }).apply([y, tfl.layers.conv2d({ filters: 4, kernelSize: 1, name: 'pw' }).apply(y) as tfl.SymbolicTensor]) as tfl.SymbolicTensor;
    model = tfl.model({ inputs: input, outputs: z });
    modelFile = writeLayersModelFiles(path.join(dir, 'keras'), await saveToArtifacts(model)).modelFile;
  });

  test('inspect lists the skips', async () => {
    const r = await runCli(['inspect', modelFile, '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.format).toBe('tfjs');
    expect(report.inputs).toEqual([{ name: 'x', dtype: 'float32', shape: [1, 6, 6, 4], layout: 'NHWC' }]);
    expect(report.skips.map((s: { merge: string; kind: string }) => `${s.kind} ${s.merge}`)).toEqual(['residual add', 'residual res']);
  });

  test('run on tfjs:cpu writes what tfjs predicts', async () => {
    const x = randomTensor([1, 6, 6, 4], 3);
    writeNpyFile(path.join(dir, 'x.npy'), x);
    const r = await runCli(['run', modelFile, '--adapter', 'tfjs:cpu', '--input', `x=${path.join(dir, 'x.npy')}`, '--out', path.join(dir, 'run')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [file] = fs.readdirSync(path.join(dir, 'run'));
    await tf.setBackend('cpu');
    expectWithin(readNpyFile(path.join(dir, 'run', file!)), predict(model, [x])[0]!, 'skipconn run vs tfjs predict');
  });

  test('port --to onnx --verify', async () => {
    const r = await runCli(['port', modelFile, '--to', 'onnx', '--out', path.join(dir, 'keras.onnx'), '--verify']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  test('usage errors', async () => {
    expect((await runCli(['port', modelFile, '--to', 'tfjs', '--out', path.join(dir, 'x'), '--layout', 'NCHW'])).stderr).toMatch(/--layout must be NHWC/);
    expect((await runCli(['port', modelFile, '--to', 'onnx', '--out', path.join(dir, 'y.onnx'), '--layout', 'NHWC'])).stderr).toMatch(/--layout applies to --to tfjs/);
    expect((await runCli(['port', modelFile, '--to', 'tfjs', '--out', path.join(dir, 'z'), '--verify', '--adapter', 'ort-node:cpu'])).code).toBe(2);
  });
});

/**
 * The PyTorch fixtures (packages/onnx/test/fixtures: torch.onnx.export, opset 17) on tfjs:
 * imported from ONNX they run on tfjs:cpu and tfjs:wasm, and ported to a LayersModel they load
 * with plain tf.loadLayersModel (model.json and the weight file read from disk into an in-memory
 * IO handler) and give PyTorch's output within atol 1e-4 + rtol 1e-3, on cpu and wasm. Those
 * whose merges are all standard Keras layers also load in a new Node process that has only tfjs.
 * Skipped with the reason when the fixtures or @skipconn/onnx are not there.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { GraphBuilder, tensor, toFloat64, type HostTensor, type ValidatedGraph, type WeightStore } from '@skipconn/core';
import { readNpyFile } from '@skipconn/core/node';
import '../src/layers';
import { saveLayersModel } from '../src/node';
import { BACKENDS, initAdapter } from './helpers';
import { expectWithin, loadPlain, predict, transposeHost } from './layers-model-helpers';

const FIXTURES = path.join(__dirname, '../../onnx/test/fixtures');

function onnxLoader(): ((file: string) => { validated: ValidatedGraph; weights: WeightStore }) | string {
  try {
    // Synchronous on purpose: the result decides at collection time which tests are declared.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('@skipconn/onnx/node') as { loadOnnxFile: (f: string) => { validated: ValidatedGraph; weights: WeightStore } }).loadOnnxFile;
  } catch (err) {
    return `@skipconn/onnx is not usable: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
  }
}

/** Fixtures whose every merge has an exact standard Keras layer (Add, Concatenate, Multiply). */
const STANDARD_ONLY = ['resnet18_narrow', 'densenet_small', 'mobilenetv2_narrow', 'inception_narrow'];

/** A residual with a constant alpha: its export needs SkipconnResidual. */
function customLayerModel(): { validated: ValidatedGraph; weights: WeightStore } {
  const b = new GraphBuilder('custom');
  const x = b.input('x', [1, 4], { layout: 'NC' });
  b.output(b.node('residual', [x, b.node('relu', [x], {}, 'body')], { alpha: 2 }, 'res'));
  const g = b.build();
  return { validated: g.validated, weights: g.weights };
}

/**
 * Loads `modelFile` with tfjs-core, tfjs-backend-cpu and tfjs-layers only, in a new Node process
 * (its own module registry: nothing from skipconn is loaded there), predicts on the input, and
 * tries to load `customFile`, whose error it reports. Returns the process's JSON output.
 */
function runPlainTfjs(modelFile: string, customFile: string, inputFile: string): string {
  const script = `
    import tf from '@tensorflow/tfjs-core';
    import '@tensorflow/tfjs-backend-cpu';
    import tfl from '@tensorflow/tfjs-layers';
    import { readFileSync } from 'node:fs';
    import { dirname, join } from 'node:path';
    const load = (file) => {
      const json = JSON.parse(readFileSync(file, 'utf8'));
      const bytes = readFileSync(join(dirname(file), json.weightsManifest[0].paths[0]));
      return tfl.loadLayersModel(tf.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest[0].weights,
        weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
      }));
    };
    await tf.setBackend('cpu');
    const input = JSON.parse(readFileSync(${JSON.stringify(inputFile)}, 'utf8'));
    const model = await load(${JSON.stringify(modelFile)});
    const y = model.predict(tf.tensor(input.data, input.shape, 'float32'));
    let customError = 'loaded';
    try { await load(${JSON.stringify(customFile)}); } catch (err) { customError = String(err && err.message); }
    process.stdout.write(JSON.stringify({ shape: y.shape, data: Array.from(y.dataSync()), customError }));
  `;
  return execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO, encoding: 'utf8', maxBuffer: 64 << 20 });
}

const REPO = path.join(__dirname, '../../..');

const loader = onnxLoader();
const names = fs.existsSync(FIXTURES)
  ? fs
      .readdirSync(FIXTURES)
      .filter((d) => fs.existsSync(path.join(FIXTURES, d, 'model.onnx')))
      .sort()
  : [];
const skipReason = typeof loader === 'string' ? loader : names.length === 0 ? `no PyTorch fixtures in ${FIXTURES}` : undefined;

if (skipReason !== undefined) {
  test.skip(`PyTorch fixtures on tfjs: skipped (${skipReason})`, () => undefined);
} else {
  const load = loader as Exclude<typeof loader, string>;

  describe.each(names)('PyTorch fixture %s', (name) => {
    const dir = path.join(FIXTURES, name);
    const model = load(path.join(dir, 'model.onnx'));
    const input = readNpyFile(path.join(dir, 'input.npy'));
    const want = readNpyFile(path.join(dir, 'output.npy'));
    const inputName = model.validated.graph.inputs[0]!.name;
    const outputName = model.validated.graph.outputs[0]!;

    test.each(BACKENDS.map((b) => [b.name, b] as const))('runs on %s within tolerance of PyTorch', async (_n, spec) => {
      const adapter = await initAdapter(spec);
      const compiled = await adapter.compile(model.validated, model.weights);
      const got = (await compiled.run({ [inputName]: input }))[outputName]!;
      expectWithin(got, want, `${name} on ${spec.name} vs PyTorch`);
      await compiled.dispose();
      await adapter.dispose();
    });

    test('ports to a LayersModel that plain tf.loadLayersModel runs (cpu and wasm), source and NHWC layouts', async () => {
      const out = fs.mkdtempSync(path.join(os.tmpdir(), `skipconn-${name}-`));
      try {
        for (const layout of ['source', 'NHWC'] as const) {
          const saved = saveLayersModel(path.join(out, layout), model.validated, model.weights, { layout });
          // Plain tfjs from here: model.json and its weight file from disk, through the in-memory IO handler.
          const json = JSON.parse(fs.readFileSync(saved.modelFile, 'utf8'));
          const weightData = new Uint8Array(fs.readFileSync(path.join(path.dirname(saved.modelFile), json.weightsManifest[0].paths[0])));
          const nhwc = saved.inputs[0]!.layout === 'NHWC' && layout === 'NHWC' && input.shape.length === 4;
          const feed: HostTensor = nhwc ? transposeHost(input, [0, 2, 3, 1]) : input;
          for (const backend of ['cpu', 'wasm']) {
            await tf.setBackend(backend);
            const ported = await loadPlain({ modelJson: json, weightData });
            let got = predict(ported, [feed])[0]!;
            if (saved.outputs[0]!.layout === 'NHWC' && layout === 'NHWC' && got.shape.length === 4) got = transposeHost(got, [0, 3, 1, 2]);
            expectWithin(got, want, `${name} LayersModel (${layout}) on ${backend} vs PyTorch`);
            ported.dispose();
          }
        }
      } finally {
        fs.rmSync(out, { recursive: true, force: true });
      }
    });
  });

  describe.each(STANDARD_ONLY.filter((n) => names.includes(n)))('PyTorch fixture %s with standard Keras layers only', (name) => {
    test('loads and predicts in a fresh Node process that never imported @skipconn/tfjs/layers', async () => {
      const dir = path.join(FIXTURES, name);
      const model = load(path.join(dir, 'model.onnx'));
      const input = readNpyFile(path.join(dir, 'input.npy'));
      const want = readNpyFile(path.join(dir, 'output.npy'));
      const out = fs.mkdtempSync(path.join(os.tmpdir(), `skipconn-plain-${name}-`));
      try {
        const saved = saveLayersModel(path.join(out, 'model'), model.validated, model.weights);
        const classes = (JSON.parse(fs.readFileSync(saved.modelFile, 'utf8')).modelTopology.config.layers as { class_name: string }[]).map((l) => l.class_name);
        expect(classes.filter((c) => c.startsWith('Skipconn'))).toEqual([]);
        expect(saved.customLayers).toEqual([]);
        // A model that does need a skip layer, to show that the child process really has none registered.
        const custom = customLayerModel();
        const customFile = saveLayersModel(path.join(out, 'custom'), custom.validated, custom.weights).modelFile;
        const inputFile = path.join(out, 'input.json');
        fs.writeFileSync(inputFile, JSON.stringify({ shape: input.shape, data: Array.from(toFloat64(input)) }));
        const result = JSON.parse(runPlainTfjs(saved.modelFile, customFile, inputFile)) as { shape: number[]; data: number[]; customError: string };
        expect(result.customError).toMatch(/Unknown layer: SkipconnResidual/);
        expectWithin(tensor('float32', result.shape, Float32Array.from(result.data)), want, `${name} LayersModel in plain tfjs vs PyTorch`);
      } finally {
        fs.rmSync(out, { recursive: true, force: true });
      }
    });
  });
}

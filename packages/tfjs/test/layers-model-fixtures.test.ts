/**
 * The PyTorch fixtures (packages/onnx/test/fixtures: torch.onnx.export, opset 17) on tfjs:
 * imported from ONNX they run on tfjs:cpu and tfjs:wasm, and ported to a LayersModel they load
 * with plain tf.loadLayersModel (model.json and the weight file read from disk into an in-memory
 * IO handler) and give PyTorch's output within atol 1e-4 + rtol 1e-3, on cpu and wasm.
 * Skipped with the reason when the fixtures or @skipconn/onnx are not there.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import type { HostTensor, ValidatedGraph, WeightStore } from '@skipconn/core';
import { readNpyFile } from '@skipconn/core/node';
import '../src/layers';
import { saveLayersModel } from '../src/node';
import { BACKENDS, initAdapter } from './helpers';
import { expectWithin, loadPlain, predict, transposeHost } from './layers-model-helpers';

const FIXTURES = path.join(__dirname, '../../onnx/test/fixtures');

function onnxLoader(): ((file: string) => { validated: ValidatedGraph; weights: WeightStore }) | string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('@skipconn/onnx/node') as { loadOnnxFile: (f: string) => { validated: ValidatedGraph; weights: WeightStore } }).loadOnnxFile;
  } catch (err) {
    return `@skipconn/onnx is not usable: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
  }
}

const loader = onnxLoader();
const names = fs.existsSync(FIXTURES) ? fs.readdirSync(FIXTURES).filter((d) => fs.existsSync(path.join(FIXTURES, d, 'model.onnx'))).sort() : [];
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
}

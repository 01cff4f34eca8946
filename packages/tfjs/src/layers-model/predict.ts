/**
 * Runs a LayersModel from disk the way a tfjs user would: plain `tf.loadLayersModel` (model.json
 * and its weight files through the in-memory IO handler) after `@skipconn/tfjs/layers` registered
 * its layers, then `predict`. This is what `skipconn port --to tfjs --verify` checks. tfjs is
 * imported when called, not when this module loads.
 */
import { SkipconnError, tensor, toFloat64, type HostTensor } from '@skipconn/core';
import { readLayersModelFiles } from './files';
import { weightSpecsOf } from './format';

/** tfjs backends this helper can run on (Node, pure JavaScript or WebAssembly). */
export const PREDICT_BACKENDS = ['cpu', 'wasm'] as const;
export type PredictBackend = (typeof PREDICT_BACKENDS)[number];

/** Runs the model.json on `feeds` (in the model's input order); outputs in its output order. */
export async function predictLayersModelFile(modelFile: string, feeds: readonly HostTensor[], backend: PredictBackend = 'cpu'): Promise<HostTensor[]> {
  if (!PREDICT_BACKENDS.includes(backend)) throw new SkipconnError('USAGE', `backend '${backend}': expected one of ${PREDICT_BACKENDS.join(', ')}`);
  // require, not import(): under tsx's CommonJS hook (the CLI) import() of a .ts module fails.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const tf = require('@tensorflow/tfjs-core') as typeof import('@tensorflow/tfjs-core');
  const tfl = require('@tensorflow/tfjs-layers') as typeof import('@tensorflow/tfjs-layers');
  require(backend === 'cpu' ? '@tensorflow/tfjs-backend-cpu' : '@tensorflow/tfjs-backend-wasm');
  require('../layers');
  /* eslint-enable @typescript-eslint/no-require-imports */
  if (!(await tf.setBackend(backend))) throw new SkipconnError('ADAPTER_UNAVAILABLE', `tfjs backend '${backend}' failed to initialize`);
  const files = readLayersModelFiles(modelFile);
  const data = files.weightData;
  const model = await tfl.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: files.modelJson.modelTopology as object,
      weightSpecs: weightSpecsOf(files.modelJson) as import('@tensorflow/tfjs-core').io.WeightsManifestEntry[],
      weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer,
    }),
  );
  try {
    const inputs = feeds.map((f) => tf.tensor(Float32Array.from(toFloat64(f)), [...f.shape], 'float32'));
    const x = inputs.length === 1 ? inputs[0]! : inputs;
    // predict() slices all inputs by one batch size; apply() runs inputs of different batches as they are.
    const out = (inputs.every((t) => t.shape[0] === inputs[0]!.shape[0]) ? model.predict(x) : model.apply(x, { training: false })) as
      | import('@tensorflow/tfjs-core').Tensor
      | import('@tensorflow/tfjs-core').Tensor[];
    const list = Array.isArray(out) ? out : [out];
    const result = await Promise.all(list.map(async (t) => tensor('float32', t.shape, new Float32Array(await t.data()))));
    tf.dispose([...inputs, ...list]);
    return result;
  } finally {
    model.dispose();
  }
}

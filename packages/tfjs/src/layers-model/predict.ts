/**
 * Runs a LayersModel from disk the way a tfjs user would: plain `tf.loadLayersModel` (model.json
 * and its weight files through the in-memory IO handler) after `@skipconn/tfjs/layers` registered
 * its layers, then `predict`. This is what `skipconn port --to tfjs --verify` checks. tfjs is
 * imported when called, not when this module loads.
 */
import { createRequire } from 'module';
import type * as tfc from '@tensorflow/tfjs-core';
import { SkipconnError, importPeer, tensor, toFloat64, type HostTensor } from '@skipconn/core';
import { readLayersModelFiles } from './files';
import { weightSpecsOf } from './format';

/** tfjs backends this helper can run on (Node, pure JavaScript or WebAssembly). */
export const PREDICT_BACKENDS = ['cpu', 'wasm'] as const;
export type PredictBackend = (typeof PREDICT_BACKENDS)[number];

const TFJS_INSTALL = 'npm install @tensorflow/tfjs-core@^4.22.0 @tensorflow/tfjs-layers@^4.22.0 @tensorflow/tfjs-backend-cpu@^4.22.0';

/**
 * tfjs-layers deserializes layers through its own @tensorflow/tfjs-core. When that is another copy
 * than the one this package registers its layers with (tfjs-layers installed on its own, e.g. by
 * a separate `npm install -g`), loading fails deep inside tfjs with "Unknown layer"; say why.
 */
function requireOneTfjsCore(): void {
  const here = createRequire(__filename);
  let ours: string;
  let layers: string;
  try {
    ours = here.resolve('@tensorflow/tfjs-core');
    layers = createRequire(here.resolve('@tensorflow/tfjs-layers')).resolve('@tensorflow/tfjs-core');
  } catch {
    return; // a missing package was reported by importPeer already
  }
  if (ours !== layers) {
    throw new SkipconnError('USAGE', `@tensorflow/tfjs-layers uses another copy of @tensorflow/tfjs-core (${layers}) than @skipconn/tfjs (${ours}); install them in one command: ${TFJS_INSTALL}`);
  }
}

/** Runs the model.json on `feeds` (in the model's input order); outputs in its output order, int32 outputs as int32. */
export async function predictLayersModelFile(modelFile: string, feeds: readonly HostTensor[], backend: PredictBackend = 'cpu'): Promise<HostTensor[]> {
  if (!PREDICT_BACKENDS.includes(backend)) throw new SkipconnError('USAGE', `backend '${backend}': expected one of ${PREDICT_BACKENDS.join(', ')}`);
  const feature = 'running a tfjs LayersModel';
  const tf = await importPeer(feature, '@tensorflow/tfjs-core', () => import('@tensorflow/tfjs-core'), TFJS_INSTALL);
  const tfl = await importPeer(feature, '@tensorflow/tfjs-layers', () => import('@tensorflow/tfjs-layers'), TFJS_INSTALL);
  if (backend === 'cpu') await importPeer(feature, '@tensorflow/tfjs-backend-cpu', () => import('@tensorflow/tfjs-backend-cpu'), TFJS_INSTALL);
  else await importPeer(feature, '@tensorflow/tfjs-backend-wasm', () => import('@tensorflow/tfjs-backend-wasm'), TFJS_INSTALL);
  requireOneTfjsCore();
  await import('../layers');
  if (!(await tf.setBackend(backend))) throw new SkipconnError('ADAPTER_UNAVAILABLE', `tfjs backend '${backend}' failed to initialize`);
  const files = readLayersModelFiles(modelFile);
  const data = files.weightData;
  const model = await tfl.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: files.modelJson.modelTopology as object,
      weightSpecs: weightSpecsOf(files.modelJson) as tfc.io.WeightsManifestEntry[],
      weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer,
    }),
  );
  try {
    // int32 feeds stay int32 (an int32 InputLayer would truncate a float feed); others run as float32.
    const inputs = feeds.map((f) => (f.dtype === 'int32' ? tf.tensor(f.data as Int32Array, [...f.shape], 'int32') : tf.tensor(Float32Array.from(toFloat64(f)), [...f.shape], 'float32')));
    const x = inputs.length === 1 ? inputs[0]! : inputs;
    // predict() slices all inputs by one batch size; apply() runs inputs of different batches as they are.
    const out = (inputs.every((t) => t.shape[0] === inputs[0]!.shape[0]) ? model.predict(x) : model.apply(x, { training: false })) as tfc.Tensor | tfc.Tensor[];
    const list = Array.isArray(out) ? out : [out];
    const result = await Promise.all(list.map(async (t) => (t.dtype === 'int32' ? tensor('int32', t.shape, new Int32Array(await t.data())) : tensor('float32', t.shape, new Float32Array(await t.data())))));
    tf.dispose([...inputs, ...list]);
    return result;
  } finally {
    model.dispose();
  }
}

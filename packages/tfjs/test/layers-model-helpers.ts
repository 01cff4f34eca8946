/** Helpers for the LayersModel tests: plain tfjs loading, tensors in and out, tolerance checks. */
import * as path from 'path';
import { execFileSync } from 'child_process';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { tensor, toFloat64, type HostTensor } from '@skipconn/core';
import type { LayersModelArtifacts } from '../src';
import { worstError } from './helpers';

/** Porting tolerance: |got - want| <= 1e-4 + 1e-3 * |want|. */
export const ATOL = 1e-4;
export const RTOL = 1e-3;

/**
 * Loads artifacts with nothing but tfjs: model.json's topology and manifest plus the weight bytes
 * through tf.io.fromMemory (the in-memory IO handler), then tf.loadLayersModel. Only the layers
 * registered by `@skipconn/tfjs/layers` must have been imported.
 */
export async function loadPlain(a: LayersModelArtifacts): Promise<tfl.LayersModel> {
  const data = a.weightData;
  return tfl.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: a.modelJson.modelTopology as object,
      weightSpecs: a.modelJson.weightsManifest.flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[],
      weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer,
    }),
  );
}

/** Saves a tfjs model to artifacts (model.json object + weight bytes) without touching disk. */
export async function saveToArtifacts(model: tfl.LayersModel): Promise<LayersModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      saved = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const data = saved!.weightData as ArrayBuffer;
  return {
    modelJson: { format: 'layers-model', modelTopology: saved!.modelTopology as never, weightsManifest: [{ paths: ['weights.bin'], weights: saved!.weightSpecs as never }] },
    weightData: new Uint8Array(data),
  };
}

/** predict() on host tensors (one or several inputs), outputs as host tensors. */
export function predict(model: tfl.LayersModel, feeds: readonly HostTensor[]): HostTensor[] {
  const inputs = feeds.map((f) => tf.tensor(Float32Array.from(toFloat64(f)), [...f.shape], 'float32'));
  // predict() slices every input along one batch size; inputs with different batches go through apply().
  const oneBatch = inputs.every((t) => t.shape[0] === inputs[0]!.shape[0]);
  const x = inputs.length === 1 ? inputs[0]! : inputs;
  const out = (oneBatch ? model.predict(x) : model.apply(x, { training: false })) as tf.Tensor | tf.Tensor[];
  const list = Array.isArray(out) ? out : [out];
  const result = list.map((t) => tensor('float32', t.shape, t.dataSync() as Float32Array));
  tf.dispose([...inputs, ...list]);
  return result;
}

export function maxAbs(got: HostTensor, want: HostTensor): number {
  const g = toFloat64(got);
  const w = toFloat64(want);
  let m = 0;
  for (let i = 0; i < w.length; i++) m = Math.max(m, Math.abs(g[i]! - w[i]!));
  return m;
}

/** Fails with the max errors when got is not within the porting tolerance of want. */
export function expectWithin(got: HostTensor, want: HostTensor, what: string): number {
  expect(got.shape).toEqual(want.shape);
  const w = worstError(got, want, ATOL, RTOL);
  if (w.excess > 0) throw new Error(`${what}: outside atol ${ATOL} + rtol ${RTOL}: got ${w.got}, want ${w.want} at ${w.index}; max abs ${maxAbs(got, want)}`);
  return maxAbs(got, want);
}

/** A host NCHW tensor as NHWC and back. */
export function transposeHost(t: HostTensor, perm: readonly number[]): HostTensor {
  const src = toFloat64(t);
  const shape = perm.map((a) => t.shape[a]!);
  const inStrides = t.shape.map((_, i) => t.shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const out = new Float32Array(src.length);
  const idx = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < out.length; i++) {
    out[i] = src[idx.reduce((s, v, a) => s + v * inStrides[perm[a]!]!, 0)]!;
    for (let a = shape.length - 1; a >= 0; a--) {
      if (++idx[a]! < shape[a]!) break;
      idx[a] = 0;
    }
  }
  return tensor('float32', shape, out);
}

const REPO = path.join(__dirname, '../../..');

/**
 * Loads the model.json in a new Node process with tfjs-core, tfjs-backend-cpu and tfjs-layers,
 * plus `@skipconn/tfjs/layers` (run from its sources through tsx) for SkipconnOp, and predicts on
 * `feeds` (int32 feeds as int32 tensors, others float32), so nothing else this process
 * registered can help the model load.
 */
export function predictInFreshProcess(modelFile: string, feeds: readonly HostTensor[]): { dtype: string; shape: number[]; data: number[] }[] {
  const inputs = feeds.map((f) => ({ data: Array.from(toFloat64(f)), shape: [...f.shape], dtype: f.dtype === 'int32' ? 'int32' : 'float32' }));
  const script = `
    const tf = require('@tensorflow/tfjs-core');
    require('@tensorflow/tfjs-backend-cpu');
    const tfl = require('@tensorflow/tfjs-layers');
    process.env.TSX_TSCONFIG_PATH = ${JSON.stringify(path.join(REPO, 'tsconfig.json'))};
    require('tsx/cjs');
    require(${JSON.stringify(path.join(REPO, 'packages/tfjs/src/layers/index.ts'))});
    const { readFileSync } = require('node:fs');
    const { dirname, join } = require('node:path');
    (async () => {
      await tf.setBackend('cpu');
      const json = JSON.parse(readFileSync(${JSON.stringify(modelFile)}, 'utf8'));
      const bytes = readFileSync(join(dirname(${JSON.stringify(modelFile)}), json.weightsManifest[0].paths[0]));
      const model = await tfl.loadLayersModel(tf.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest[0].weights,
        weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
      }));
      const feeds = ${JSON.stringify(inputs)}.map((f) => tf.tensor(f.data, f.shape, f.dtype));
      const out = model.predict(feeds.length === 1 ? feeds[0] : feeds);
      process.stdout.write(JSON.stringify((Array.isArray(out) ? out : [out]).map((t) => ({ dtype: t.dtype, shape: t.shape, data: Array.from(t.dataSync()) }))));
    })();
  `;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: REPO, encoding: 'utf8', maxBuffer: 16 << 20 })) as { dtype: string; shape: number[]; data: number[] }[];
}

/** Helpers for the GraphModel tests: tfjs-converter's own run of a model.json, seeded image inputs. */
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfconv from '@tensorflow/tfjs-converter';
import { randomTensor, tensor, toFloat64, type HostTensor } from '@skipconn/core';
import { readGraphModelFiles } from '../src/node';
import type { GraphModelArtifacts } from '../src';

/** The real GraphModels (see fixtures/graph-model/README.md). */
export const GRAPH_MODEL_FIXTURES = path.join(__dirname, 'fixtures/graph-model');

/** Inputs like the models' own (images scaled to [0, 1]), fixed by seed. */
export function imageInput(shape: readonly number[], seed = 11): HostTensor {
  return tensor(
    'float32',
    shape,
    Float32Array.from(toFloat64(randomTensor(shape, seed)), (v) => (v + 1) / 2),
  );
}

/** A seeded input for one of a GraphModel's inputs: an image in [0, 1], or whole pixel values 0..255 for an int32 input. */
export function graphModelInput(input: { readonly shape: readonly number[]; readonly dtype: string }, seed = 11): HostTensor {
  const image = imageInput(input.shape, seed);
  return input.dtype === 'int32'
    ? tensor(
        'int32',
        input.shape,
        Int32Array.from(image.data as Float32Array, (v) => Math.floor(v * 255)),
      )
    : image;
}

/** tfjs-converter's own run of a model.json: loadGraphModel through the in-memory IO handler, then execute. */
export async function runWithConverter(modelFile: string, feeds: Record<string, HostTensor>, outputs: readonly string[]): Promise<HostTensor[]> {
  return runArtifactsWithConverter(readGraphModelFiles(modelFile), feeds, outputs);
}

/** tfjs-converter's own run of GraphModel artifacts held in memory. */
export async function runArtifactsWithConverter(files: GraphModelArtifacts, feeds: Record<string, HostTensor>, outputs: readonly string[]): Promise<HostTensor[]> {
  await tf.setBackend('cpu');
  const json = files.modelJson;
  const data = files.weightData;
  const model = await tfconv.loadGraphModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology as never,
      weightSpecs: json.weightsManifest.flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[],
      weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer,
      format: json.format,
      generatedBy: json.generatedBy,
      convertedBy: json.convertedBy ?? undefined,
      signature: json.signature as never,
    }),
  );
  const inputs = Object.fromEntries(
    Object.entries(feeds).map(([k, v]) => [k, v.dtype === 'int32' ? tf.tensor(Int32Array.from(toFloat64(v)), [...v.shape], 'int32') : tf.tensor(Float32Array.from(toFloat64(v)), [...v.shape], 'float32')]),
  );
  const result = model.execute(
    inputs,
    outputs.map((o) => o.replace(/:0$/, '')),
  ) as tf.Tensor | tf.Tensor[];
  const list = Array.isArray(result) ? result : [result];
  const host = list.map((t) => (t.dtype === 'int32' ? tensor('int32', t.shape, t.dataSync() as Int32Array) : tensor('float32', t.shape, Float32Array.from(t.dataSync()))));
  tf.dispose([...Object.values(inputs), ...list]);
  model.dispose();
  return host;
}

/**
 * The tfjs LayersModel file format as skipconn reads and writes it: `model.json` (format
 * 'layers-model', a Keras functional topology and a weights manifest) plus binary weight files.
 * Plain data types only; nothing here loads tfjs.
 *
 * Keras topology (what tfjs-layers' `model.save` writes and `tf.loadLayersModel` reads):
 *   { class_name: 'Model' | 'Functional' | 'Sequential', config: { name, layers, input_layers, output_layers } }
 * Each layer: { name, class_name, config (snake_case keys), inbound_nodes: [[[layer, node, tensor, kwargs], ...], ...] }.
 * Weights are named `<layer name>/<weight name>` (e.g. `conv1/kernel`) and stored in manifest
 * order, little-endian, concatenated over the manifest's paths.
 */

/** One input of a layer application: [layer name, node index, tensor index, kwargs]. */
export type KerasInboundRef = [string, number, number, Record<string, unknown>?];

export interface KerasLayerJson {
  readonly name: string;
  readonly class_name: string;
  readonly config: Record<string, unknown>;
  /** One entry per application of the layer; each lists that application's inputs. */
  readonly inbound_nodes: unknown[];
}

export interface KerasModelJson {
  readonly class_name: string;
  readonly config: {
    readonly name?: string;
    readonly layers: KerasLayerJson[];
    readonly input_layers?: [string, number, number][];
    readonly output_layers?: [string, number, number][];
  };
  readonly keras_version?: string;
  readonly backend?: string;
}

export interface WeightSpecJson {
  readonly name: string;
  readonly shape: number[];
  readonly dtype: 'float32' | 'int32' | 'bool' | string;
  /** tfjs weight quantization: values are q * scale + min (uint8/uint16), or float16 halves. */
  readonly quantization?: { readonly dtype: 'uint8' | 'uint16' | 'float16' | string; readonly scale?: number; readonly min?: number };
}

export interface WeightsManifestGroup {
  readonly paths: string[];
  readonly weights: WeightSpecJson[];
}

/** The content of a tfjs `model.json` in the 'layers-model' format. */
export interface LayersModelJson {
  readonly format?: string;
  readonly generatedBy?: string;
  readonly convertedBy?: string | null;
  readonly modelTopology: KerasModelJson | { readonly model_config: KerasModelJson };
  readonly weightsManifest: WeightsManifestGroup[];
}

/** A LayersModel in memory: the model.json object and the bytes of its weight file(s), concatenated in manifest order. */
export interface LayersModelArtifacts {
  readonly modelJson: LayersModelJson;
  readonly weightData: Uint8Array;
}

export const LAYERS_MODEL_FORMAT = 'layers-model';
/** Name of the one weight file the exporter writes (tfjs's own naming). */
export const DEFAULT_WEIGHTS_FILE = 'group1-shard1of1.bin';
export const GENERATED_BY = 'skipconn @skipconn/tfjs 0.1.0';
export const KERAS_VERSION = 'tfjs-layers 4.22.0';

/** Class name of the custom layer that runs one IR op with skipconn's tfjs kernel (see src/layers/op.ts). */
export const OP_LAYER_CLASS = 'SkipconnOp';

/** Class names of the registered skip layers (src/layers). */
export const SKIP_LAYER_CLASSES = {
  residual: 'SkipconnResidual',
  concat: 'SkipconnConcat',
  highway: 'SkipconnHighway',
  gate: 'SkipconnGate',
} as const;

/**
 * The weight specs of a model.json, flattened over its manifest groups, as
 * `tf.io.fromMemory({ modelTopology, weightSpecs, weightData })` takes them.
 */
export function weightSpecsOf(json: LayersModelJson): WeightSpecJson[] {
  return json.weightsManifest.flatMap((g) => g.weights);
}

/**
 * The plain object `tf.io.fromMemory` takes (modelTopology, weightSpecs, weightData as an
 * ArrayBuffer), so `tf.loadLayersModel(tf.io.fromMemory(toModelArtifacts(a)))` loads an export
 * in memory with nothing but tfjs.
 */
export function toModelArtifacts(a: LayersModelArtifacts): { modelTopology: object; weightSpecs: WeightSpecJson[]; weightData: ArrayBuffer; format?: string; generatedBy?: string } {
  const data = a.weightData;
  const weightData = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
  return { modelTopology: a.modelJson.modelTopology, weightSpecs: weightSpecsOf(a.modelJson), weightData, format: a.modelJson.format, generatedBy: a.modelJson.generatedBy };
}

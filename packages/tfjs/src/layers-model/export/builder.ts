/**
 * Builds a Keras functional topology as JSON, layer by layer, with the weights each layer owns.
 * Every layer is applied once, so each reference is [layer, 0, tensor], tensor 0 but for the
 * later outputs of a layer with several (a SkipconnOp for topK). Layer names are sanitized to
 * what tfjs accepts for variable names and made unique; weights are named `<layer>/<weight>` as
 * tfjs-layers names them, which is how tf.loadLayersModel matches them. Layers that no output
 * depends on are dropped when the model is finished.
 */
import { quantizeWeight, type WeightQuantization } from './quantize';
import { formatShape, shapesEqual, sizeOf } from '@skipconn/core';
import { DEFAULT_WEIGHTS_FILE, GENERATED_BY, KERAS_VERSION, LAYERS_MODEL_FORMAT, type KerasLayerJson, type LayersModelArtifacts, type WeightSpecJson } from '../format';
import type { F32, I32 } from '../host';

/** A tensor in the Keras graph: the output of `layer`, with its full physical shape (batch first). */
export interface KerasRef {
  readonly layer: string;
  readonly shape: readonly number[];
  /** Which of the layer's output tensors (absent: the first, as for every layer with one). */
  readonly index?: number;
}

function refJson(r: KerasRef): [string, number, number] {
  return [r.layer, 0, r.index ?? 0];
}

/** A weight a layer owns: float32 (quantizable) or exact int32. */
export interface LayerWeight {
  readonly name: string;
  readonly value: F32 | I32;
}

interface Entry {
  readonly name: string;
  readonly className: string;
  readonly config: Record<string, unknown>;
  readonly inputs: readonly KerasRef[];
  readonly weights: readonly LayerWeight[];
}

/** tfjs variable names: /^[A-Za-z0-9][-A-Za-z0-9._/]*$/; '/' is kept out of layer names. */
export function sanitizeLayerName(name: string): string {
  const s = name.replace(/[^-A-Za-z0-9._]/g, '_').replace(/^[^A-Za-z0-9]+/, '');
  return s.length > 0 ? s : 'layer';
}

/** tfjs weight files are little-endian; Float32Array is platform-endian. */
function float32LittleEndian(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setFloat32(4 * i, v, true));
  return out;
}

function int32LittleEndian(values: Int32Array): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setInt32(4 * i, v, true));
  return out;
}

export class KerasModelBuilder {
  private readonly entries = new Map<string, Entry>();
  private readonly used = new Set<string>();
  /** For a Reshape-like layer (one that only relabels the element order it got): its input. */
  private readonly reshapeOf = new Map<string, KerasRef>();
  private readonly inputRefs: KerasRef[] = [];

  constructor(readonly modelName: string) {}

  private unique(base: string): string {
    const clean = sanitizeLayerName(base);
    let name = clean;
    for (let i = 2; this.used.has(name); i++) name = `${clean}_${i}`;
    this.used.add(name);
    return name;
  }

  /** A model input (InputLayer) with a fixed batch: skipconn graphs have static shapes. */
  input(base: string, shape: readonly number[], dtype: 'float32' | 'int32' = 'float32'): KerasRef {
    const name = this.unique(base);
    this.entries.set(name, { name, className: 'InputLayer', config: { batch_input_shape: [...shape], dtype, sparse: false, name }, inputs: [], weights: [] });
    const ref = { layer: name, shape: [...shape] };
    this.inputRefs.push(ref);
    return ref;
  }

  /** Adds one layer applied to `inputs`; `shape` is the output's full shape (checked against tfjs on load). */
  layer(className: string, base: string, config: Record<string, unknown>, inputs: readonly KerasRef[], shape: readonly number[], weights: readonly LayerWeight[] = []): KerasRef {
    const name = this.unique(base);
    this.entries.set(name, { name, className, config: { ...config, name, trainable: true }, inputs, weights });
    return { layer: name, shape: [...shape] };
  }

  /** Adds one layer with an output tensor per shape in `shapes` (tfjs-layers gives such a layer a list of symbolic tensors). */
  layerOutputs(className: string, base: string, config: Record<string, unknown>, inputs: readonly KerasRef[], shapes: readonly (readonly number[])[], weights: readonly LayerWeight[] = []): KerasRef[] {
    const first = this.layer(className, base, config, inputs, shapes[0]!, weights);
    return shapes.map((shape, i) => (i === 0 ? first : { layer: first.layer, shape: [...shape], index: i }));
  }

  /**
   * Keras Reshape to a full shape with the same batch. Reshapes of reshapes collapse into one,
   * and a reshape to the same shape is no layer at all.
   */
  reshape(ref: KerasRef, shape: readonly number[], base: string): KerasRef {
    if (shapesEqual(ref.shape, shape)) return ref;
    if (shape[0] !== ref.shape[0] || sizeOf(shape) !== sizeOf(ref.shape)) {
      throw new Error(`@skipconn/tfjs bug: Keras Reshape from ${formatShape(ref.shape)} to ${formatShape(shape)} changes the batch or the size`);
    }
    const source = this.reshapeOf.get(ref.layer) ?? ref;
    if (shapesEqual(source.shape, shape)) return source;
    const out = this.layer('Reshape', base, { target_shape: shape.slice(1) }, [source], shape);
    this.reshapeOf.set(out.layer, source);
    return out;
  }

  /** The tensor a Reshape-like layer relabels, or undefined when `ref` was computed. */
  reshapeSource(ref: KerasRef): KerasRef | undefined {
    return this.reshapeOf.get(ref.layer);
  }

  /** Marks `ref`'s layer as a pure reshape of `source` (Flatten, keepdims pooling heads). */
  markReshape(ref: KerasRef, source: KerasRef): void {
    this.reshapeOf.set(ref.layer, this.reshapeOf.get(source.layer) ?? source);
  }

  /** The finished artifacts: topology, manifest (one weight file) and the weight bytes. */
  build(outputs: readonly KerasRef[], weightsFile = DEFAULT_WEIGHTS_FILE, quantize?: WeightQuantization): LayersModelArtifacts {
    // Keep the layers some output depends on (plus every input, which Keras requires).
    const live = new Set<string>(this.inputRefs.map((r) => r.layer));
    const stack = outputs.map((o) => o.layer);
    while (stack.length > 0) {
      const name = stack.pop()!;
      if (live.has(name) && this.entries.get(name)!.className !== 'InputLayer') continue;
      live.add(name);
      for (const input of this.entries.get(name)!.inputs) if (!live.has(input.layer)) stack.push(input.layer);
    }
    const layers: KerasLayerJson[] = [];
    const specs: WeightSpecJson[] = [];
    const chunks: Uint8Array[] = [];
    for (const entry of this.entries.values()) {
      if (!live.has(entry.name)) continue;
      layers.push({
        name: entry.name,
        class_name: entry.className,
        config: entry.config,
        inbound_nodes: entry.inputs.length === 0 ? [] : [entry.inputs.map((r) => [...refJson(r), {}])],
      });
      for (const w of entry.weights) {
        const name = `${entry.name}/${w.name}`;
        if (w.value.data instanceof Int32Array) {
          // tfjs quantizes float weights only; int32 values are stored exactly.
          specs.push({ name, shape: [...w.value.shape], dtype: 'int32' });
          chunks.push(int32LittleEndian(w.value.data));
        } else if (quantize === undefined) {
          specs.push({ name, shape: [...w.value.shape], dtype: 'float32' });
          chunks.push(float32LittleEndian(w.value.data));
        } else {
          const q = quantizeWeight(w.value.data, quantize);
          specs.push({ name, shape: [...w.value.shape], dtype: 'float32', quantization: q.quantization });
          chunks.push(q.bytes);
        }
      }
    }
    const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let offset = 0;
    for (const c of chunks) {
      bytes.set(c, offset);
      offset += c.length;
    }
    return {
      modelJson: {
        format: LAYERS_MODEL_FORMAT,
        generatedBy: GENERATED_BY,
        convertedBy: null,
        modelTopology: {
          class_name: 'Model',
          config: {
            name: sanitizeLayerName(this.modelName),
            layers,
            input_layers: this.inputRefs.map((r) => [r.layer, 0, 0]),
            output_layers: outputs.map(refJson),
          },
          keras_version: KERAS_VERSION,
          backend: 'tensor_flow.js',
        },
        weightsManifest: [{ paths: [weightsFile], weights: specs }],
      },
      weightData: bytes,
    };
  }
}

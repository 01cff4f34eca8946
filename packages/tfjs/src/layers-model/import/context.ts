/** What a layer converter gets: the call, its IR inputs, the graph, and typed config readers. */
import { FileFormatError, UnsupportedError, clipUserText, float32Values, tensor, type HostTensor } from '@skipconn/core';
import { camel } from '../spelling';
import { reshapeF32, transposeF32, type F32 } from '../host';
import { keraslayout, type ImportGraph } from './graph';
import type { LayerCall } from './topology';

export interface CallContext {
  readonly g: ImportGraph;
  readonly call: LayerCall;
  /** Base name for the call's IR nodes: the layer name (with '#k' for the k-th application of a shared layer). */
  readonly name: string;
  /** IR values of the call's inputs. */
  readonly inputs: readonly string[];
  readonly file: string;
  /** The layer's Keras weight `<layer>/<name>`, optionally checked against a shape. */
  kerasWeight(name: string, shape?: readonly number[]): HostTensor;
  /** Adds a weight to the IR graph once per layer and key (shared layers reuse it). */
  irWeight(key: string, make: () => HostTensor): string;
}

/** Converts one layer call; returns the IR value of its output, or of each output tensor in order (a SkipconnOp for topK). */
export type Converter = (c: CallContext) => string | readonly string[];

export function config(c: CallContext, key: string): unknown {
  // Own keys only: a config read for 'constructor' or 'valueOf' must not find Object.prototype's.
  return Object.hasOwn(c.call.config, key) ? c.call.config[key] : undefined;
}

/** An int or [h, w] pair (Keras kernel_size, strides, pool_size, size, dilation_rate). */
export function pair(c: CallContext, key: string, fallback: number | readonly number[] | null): [number, number] {
  const v = config(c, key) ?? fallback;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return [v, v];
  if (Array.isArray(v) && v.length === 2 && v.every((x) => Number.isSafeInteger(x))) return [v[0] as number, v[1] as number];
  if (Array.isArray(v) && v.length === 1 && Number.isSafeInteger(v[0])) return [v[0] as number, v[0] as number];
  throw new FileFormatError(c.file, `layer '${c.call.layer}' (${c.call.className}): ${key} ${JSON.stringify(v)} is not an integer or a pair of integers`);
}

export function unsupported(c: CallContext, what: string, supported: readonly string[]): never {
  throw new UnsupportedError(what, { node: c.call.layer, op: c.call.className }, supported);
}

/** Only channels-last data formats: tfjs and Keras default; channels_first would need NCHW semantics per layer. */
export function requireChannelsLast(c: CallContext): void {
  const f = config(c, 'dataFormat');
  if (f !== undefined && f !== null && camel(String(f)) !== 'channelsLast') unsupported(c, `data_format '${String(f)}'`, ['channels_last']);
}

/** The rank-4 input relabelled NHWC (Keras image layers are channels-last). */
export function imageInput(c: CallContext, index = 0): string {
  const value = c.inputs[index]!;
  const rank = c.g.info(value).shape.length;
  if (rank !== 4) unsupported(c, `an input of rank ${rank}`, ['rank 4 (NHWC) inputs']);
  return c.g.withLayout(value, 'NHWC');
}

/** The input relabelled with the channels-last layout of its rank (for ops that read the channel axis). */
export function channelsLastInput(c: CallContext, index = 0): string {
  const value = c.inputs[index]!;
  const layout = keraslayout(c.g.info(value).shape.length);
  if (layout === undefined) unsupported(c, `an input of rank ${c.g.info(value).shape.length} where the channel axis matters`, ['rank 2 (NC), 3 (NTC) or 4 (NHWC) inputs']);
  return c.g.withLayout(value, layout);
}

export function f32Tensor(t: F32): HostTensor {
  return tensor('float32', t.shape, t.data);
}

/** A Keras weight re-laid for the IR (transposed and/or reshaped), added once. */
export function relaid(c: CallContext, weight: string, perm?: readonly number[], shape?: readonly number[]): string {
  return c.irWeight(`${weight}:${perm?.join(',') ?? ''}:${shape?.join(',') ?? ''}`, () => {
    const keras = c.kerasWeight(weight);
    // A kernel of the wrong rank (a conv kernel stored as [k*k*cin, cout]) is the file's fault.
    if (perm !== undefined && keras.shape.length !== perm.length) {
      throw new FileFormatError(c.file, `layer '${clipUserText(c.call.layer)}' (${clipUserText(c.call.className)}): weight '${weight}' has shape [${keras.shape.join(',')}]; expected rank ${perm.length}`);
    }
    // int32 Keras weights (kept exact when decoded) are float32 for every layer but SkipconnOp's int32 inputs.
    let t: F32 = { shape: [...keras.shape], data: float32Values(keras) };
    if (perm !== undefined) t = transposeF32(t, perm);
    if (shape !== undefined) t = reshapeF32(t, shape);
    return f32Tensor(t);
  });
}

/** An IR weight filled with one value (BatchNormalization without center/scale). */
export function filled(c: CallContext, key: string, shape: readonly number[], value: number): string {
  return c.irWeight(key, () => tensor('float32', shape, new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(value)));
}

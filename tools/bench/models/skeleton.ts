/**
 * Weight-less ONNX "skeletons" of whole models, and their seeded refill.
 *
 * A GPU machine without network gets at most 64 MiB of files, and ResNet-50's float32 weights
 * alone are 100 MB (ViT-B/16's 344 MB). The bench only compares engines with each other on the
 * same weights, so the weights need realistic statistics, not PyTorch's values: a skeleton keeps
 * every node, every non-float initializer and every small float initializer verbatim (shape
 * constants, scales, short biases), and for each large float initializer keeps its name and dims
 * but drops its data, recording its mean, standard deviation, minimum and maximum in the model's
 * metadata (`skipconn.skeleton`). `refillSkeleton` draws each dropped tensor again from a seeded
 * normal(mean, std) clamped to [min, max] (so a BatchNorm variance stays positive), the same
 * values on every machine for the same seed.
 */
import { seededRandom } from '@skipconn/core';
import { OnnxDataType, rawBytes, tensorFromProto, type ModelProto, type TensorProto } from '@skipconn/onnx';

export const SKELETON_KEY = 'skipconn.skeleton';

/** Float initializers with fewer elements than this stay verbatim. */
export const DEFAULT_MIN_DROPPED_ELEMENTS = 1024;

export interface TensorStats {
  readonly mean: number;
  readonly std: number;
  readonly min: number;
  readonly max: number;
}

export interface SkeletonInfo {
  /** Dropped initializers by name. */
  readonly tensors: Readonly<Record<string, TensorStats>>;
  /** Bytes of float data dropped. */
  readonly droppedBytes: number;
}

function statsOf(data: Float32Array): TensorStats {
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = sum / data.length;
  let sq = 0;
  for (let i = 0; i < data.length; i++) sq += (data[i]! - mean) ** 2;
  return { mean, std: Math.sqrt(sq / data.length), min, max };
}

function elements(t: TensorProto): number {
  return t.dims.reduce((a, b) => a * b, 1);
}

/** The skeleton of `model` (a new ModelProto; `model` is not changed). `file` names the source in errors. */
export function makeSkeleton(model: ModelProto, file: string, minDroppedElements = DEFAULT_MIN_DROPPED_ELEMENTS): { model: ModelProto; info: SkeletonInfo } {
  if (model.graph === undefined) throw new Error(`${file}: the model has no graph`);
  if (model.metadataProps.some((e) => e.key === SKELETON_KEY)) throw new Error(`${file}: is already a skeleton (metadata '${SKELETON_KEY}' present)`);
  const tensors: Record<string, TensorStats> = {};
  let droppedBytes = 0;
  const initializer = model.graph.initializer.map((t) => {
    if (t.dataType !== OnnxDataType.FLOAT || elements(t) < minDroppedElements) return t;
    const data = tensorFromProto(t, file).data as Float32Array;
    tensors[t.name] = statsOf(data);
    droppedBytes += data.byteLength;
    const { rawData: _raw, ...rest } = t;
    return { ...rest, floatData: [], externalData: [], dataLocation: 0 };
  });
  const info: SkeletonInfo = { tensors, droppedBytes };
  return {
    model: { ...model, graph: { ...model.graph, initializer }, metadataProps: [...model.metadataProps, { key: SKELETON_KEY, value: JSON.stringify(info) }] },
    info,
  };
}

/** What `makeSkeleton` recorded in `model`, or undefined for a model that is not a skeleton. */
export function skeletonInfo(model: ModelProto): SkeletonInfo | undefined {
  const entry = model.metadataProps.find((e) => e.key === SKELETON_KEY);
  return entry === undefined ? undefined : (JSON.parse(entry.value) as SkeletonInfo);
}

/** A 32-bit FNV-1a hash: each tensor's stream depends on its name, not on the order of the file. */
function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Seeded normal(mean, std) values clamped to [min, max] (Box-Muller on mulberry32). */
export function drawTensor(count: number, stats: TensorStats, seed: number): Float32Array {
  const next = seededRandom(seed);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    const u = 1 - next(); // (0, 1]: log(u) is finite
    const r = Math.sqrt(-2 * Math.log(u));
    const a = 2 * Math.PI * next();
    out[i] = Math.min(stats.max, Math.max(stats.min, stats.mean + stats.std * r * Math.cos(a)));
    if (i + 1 < count) out[i + 1] = Math.min(stats.max, Math.max(stats.min, stats.mean + stats.std * r * Math.sin(a)));
  }
  return out;
}

/** A complete model from a skeleton: every dropped initializer drawn again from its statistics. */
export function refillSkeleton(model: ModelProto, file: string, seed: number): ModelProto {
  const info = skeletonInfo(model);
  if (info === undefined || model.graph === undefined) throw new Error(`${file}: not a skeleton (no '${SKELETON_KEY}' metadata)`);
  const seen = new Set<string>();
  const initializer = model.graph.initializer.map((t) => {
    const stats = info.tensors[t.name];
    if (stats === undefined) return t;
    seen.add(t.name);
    const data = drawTensor(elements(t), stats, (hashName(t.name) ^ seed) >>> 0);
    return { ...t, rawData: rawBytes({ dtype: 'float32', shape: t.dims, data }) };
  });
  const missing = Object.keys(info.tensors).filter((name) => !seen.has(name));
  if (missing.length > 0) throw new Error(`${file}: the skeleton records ${missing.length} initializers the graph does not have (first: '${missing[0]}')`);
  return { ...model, graph: { ...model.graph, initializer }, metadataProps: model.metadataProps.filter((e) => e.key !== SKELETON_KEY) };
}

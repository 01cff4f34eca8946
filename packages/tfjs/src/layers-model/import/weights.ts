/**
 * Decodes a LayersModel's weight data by its manifest: float32 and int32 values, and tfjs's
 * quantized forms (uint8 / uint16 affine: q * scale + min; float16 halves). Every size is
 * checked before anything is read: the manifest must account for exactly the bytes given.
 */
import { FileFormatError, float16BitsToNumber, formatShape, sizeOf, tensor, type HostTensor } from '@skipconn/core';
import { weightSpecsOf, type LayersModelJson, type WeightSpecJson } from '../format';

function bytesPer(spec: WeightSpecJson, file: string): number {
  const q = spec.quantization?.dtype;
  if (q !== undefined) {
    if (q === 'uint8') return 1;
    if (q === 'uint16' || q === 'float16') return 2;
    throw new FileFormatError(file, `weight '${spec.name}': quantization dtype '${q}' is not supported; supported: uint8, uint16, float16`);
  }
  if (spec.dtype === 'float32' || spec.dtype === 'int32') return 4;
  throw new FileFormatError(file, `weight '${spec.name}': dtype '${spec.dtype}' is not supported; supported: float32, int32 (and uint8, uint16, float16 quantization)`);
}

/**
 * The weights of a model.json by name, as float32 host tensors. `file` names the weight file(s)
 * in errors. Throws FileFormatError when the data is shorter or longer than the manifest says.
 */
export function decodeWeights(json: LayersModelJson, data: Uint8Array, file: string): Map<string, HostTensor> {
  if (!Array.isArray(json.weightsManifest)) throw new FileFormatError(file, 'model.json has no weightsManifest list');
  const specs = weightSpecsOf(json);
  let need = 0;
  for (const spec of specs) {
    if (typeof spec?.name !== 'string' || !Array.isArray(spec.shape) || !spec.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new FileFormatError(file, `weights manifest entry ${JSON.stringify(spec)?.slice(0, 200)} needs a name and a shape of non-negative integers`);
    }
    need += sizeOf(spec.shape) * bytesPer(spec, file);
  }
  if (need !== data.byteLength) {
    throw new FileFormatError(file, `the weights manifest needs ${need} bytes (${specs.length} weights) but the weight data has ${data.byteLength} bytes`);
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const out = new Map<string, HostTensor>();
  let offset = 0;
  for (const spec of specs) {
    const n = sizeOf(spec.shape);
    const values = new Float32Array(n);
    const q = spec.quantization;
    if (q?.dtype === 'float16') {
      for (let i = 0; i < n; i++) values[i] = float16BitsToNumber(view.getUint16(offset + 2 * i, true));
    } else if (q !== undefined) {
      const scale = q.scale ?? 1;
      const min = q.min ?? 0;
      const wide = q.dtype === 'uint16';
      for (let i = 0; i < n; i++) values[i] = (wide ? view.getUint16(offset + 2 * i, true) : view.getUint8(offset + i)) * scale + min;
    } else if (spec.dtype === 'int32') {
      // Kept exact (int32 tensors): SkipconnOp layers read int32 constants; other layers convert them to float32.
      const ints = new Int32Array(n);
      for (let i = 0; i < n; i++) ints[i] = view.getInt32(offset + 4 * i, true);
      offset += n * bytesPer(spec, file);
      if (out.has(spec.name)) throw new FileFormatError(file, `weight '${spec.name}' is listed twice in the manifest`);
      out.set(spec.name, tensor('int32', spec.shape, ints));
      continue;
    } else {
      for (let i = 0; i < n; i++) values[i] = view.getFloat32(offset + 4 * i, true);
    }
    offset += n * bytesPer(spec, file);
    if (out.has(spec.name)) throw new FileFormatError(file, `weight '${spec.name}' is listed twice in the manifest`);
    out.set(spec.name, tensor('float32', spec.shape, values));
  }
  return out;
}

/** Finds `<layer>/<weight>`; also accepts a prefixed name ending in '/<layer>/<weight>' (TF 2.2+ exports). */
export function findWeight(weights: ReadonlyMap<string, HostTensor>, layer: string, weight: string, file: string, shape?: readonly number[]): HostTensor {
  const exact = `${layer}/${weight}`;
  let t = weights.get(exact);
  if (t === undefined) {
    const candidates = [...weights.keys()].filter((k) => k.endsWith(`/${exact}`) || k === `${exact}:0`);
    if (candidates.length === 1) t = weights.get(candidates[0]!);
  }
  if (t === undefined) {
    const names = [...weights.keys()].filter((k) => k.includes(layer)).slice(0, 8);
    throw new FileFormatError(file, `weight '${exact}' of layer '${layer}' is missing from the weights manifest${names.length ? ` (weights of that layer: ${names.join(', ')})` : ''}`);
  }
  if (shape !== undefined && (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]))) {
    throw new FileFormatError(file, `weight '${exact}' has shape ${formatShape(t.shape)}, layer '${layer}' needs ${formatShape(shape)}`);
  }
  return t;
}

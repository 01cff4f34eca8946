/**
 * TensorProto <-> HostTensor. Sizes are checked against caps and against the bytes actually
 * present *before* any typed array is allocated, so a tensor header cannot make us allocate
 * memory its file does not back.
 */
import { FileFormatError, UnsupportedError, allocate, sizeOf, type DType, type HostTensor } from '@skipconn/core';
import { DATA_TYPE_NAMES, OnnxDataType, emptyTensor, type TensorProto } from './proto/types';

/** ONNX element type of each core dtype. */
export const ONNX_TYPE_OF: Record<DType, number> = {
  float32: OnnxDataType.FLOAT,
  float16: OnnxDataType.FLOAT16,
  float64: OnnxDataType.DOUBLE,
  int32: OnnxDataType.INT32,
  int64: OnnxDataType.INT64,
  uint8: OnnxDataType.UINT8,
  bool: OnnxDataType.BOOL,
};

/**
 * Core dtype for an ONNX element type. Narrow integer types widen losslessly (int8, int16 and
 * uint16 to int32; uint32 and uint64 to int64) so that constant folding can use them.
 */
export function dtypeOfOnnx(elemType: number): DType | undefined {
  switch (elemType) {
    case OnnxDataType.FLOAT:
      return 'float32';
    case OnnxDataType.FLOAT16:
      return 'float16';
    case OnnxDataType.DOUBLE:
      return 'float64';
    case OnnxDataType.INT32:
    case OnnxDataType.INT8:
    case OnnxDataType.INT16:
    case OnnxDataType.UINT16:
      return 'int32';
    case OnnxDataType.INT64:
    case OnnxDataType.UINT32:
    case OnnxDataType.UINT64:
      return 'int64';
    case OnnxDataType.UINT8:
      return 'uint8';
    case OnnxDataType.BOOL:
      return 'bool';
    default:
      return undefined;
  }
}

/** Bytes per element on the wire (raw_data) of an ONNX element type. */
function wireWidth(elemType: number): number | undefined {
  switch (elemType) {
    case OnnxDataType.BOOL:
    case OnnxDataType.UINT8:
    case OnnxDataType.INT8:
      return 1;
    case OnnxDataType.FLOAT16:
    case OnnxDataType.INT16:
    case OnnxDataType.UINT16:
    case OnnxDataType.BFLOAT16:
      return 2;
    case OnnxDataType.FLOAT:
    case OnnxDataType.INT32:
    case OnnxDataType.UINT32:
      return 4;
    case OnnxDataType.DOUBLE:
    case OnnxDataType.INT64:
    case OnnxDataType.UINT64:
      return 8;
    default:
      return undefined;
  }
}

export const SUPPORTED_ELEMENT_TYPES = ['FLOAT', 'FLOAT16', 'DOUBLE', 'INT8', 'INT16', 'INT32', 'INT64', 'UINT8', 'UINT16', 'UINT32', 'UINT64', 'BOOL'];

export interface TensorLimits {
  /** Largest single tensor, in bytes (default 1 GiB). */
  readonly maxTensorBytes: number;
}

export const DEFAULT_MAX_TENSOR_BYTES = 1 << 30;

/** Checks dims and returns the element count; throws FileFormatError naming the tensor. */
export function checkedElementCount(dims: readonly number[], width: number, what: string, file: string, limits: TensorLimits, offset?: number): number {
  let count = 1;
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0) throw new FileFormatError(file, `${what}: invalid dimension ${d} in [${dims.join(',')}]`, offset);
    count *= d;
    if (count * width > limits.maxTensorBytes) {
      throw new FileFormatError(file, `${what}: [${dims.join(',')}] needs more than the ${limits.maxTensorBytes}-byte limit per tensor`, offset);
    }
  }
  return count;
}

/**
 * Converts a TensorProto to a HostTensor. `external` supplies the bytes of a tensor whose data
 * lives in an external file (already bounds-checked by the loader).
 */
export function tensorFromProto(t: TensorProto, file: string, limits: TensorLimits = { maxTensorBytes: DEFAULT_MAX_TENSOR_BYTES }, external?: Uint8Array): HostTensor {
  const what = `tensor '${t.name}'`;
  const dtype = dtypeOfOnnx(t.dataType);
  const width = wireWidth(t.dataType);
  if (dtype === undefined || width === undefined) {
    throw new UnsupportedError(`${what} has element type ${DATA_TYPE_NAMES[t.dataType] ?? t.dataType}, which`, {}, SUPPORTED_ELEMENT_TYPES);
  }
  if (t.segmented) throw new FileFormatError(file, `${what} uses the deprecated 'segment' field, which skipconn does not read`, t.offset);
  const count = checkedElementCount(t.dims, width, what, file, limits, t.offset);
  const out = allocateChecked(dtype, count);
  const raw = external ?? t.rawData;
  if (raw !== undefined) {
    if (raw.length !== count * width) {
      throw new FileFormatError(file, `${what}: raw data has ${raw.length} bytes, expected ${count * width} for ${DATA_TYPE_NAMES[t.dataType]} [${t.dims.join(',')}]`, t.offset);
    }
    decodeRaw(raw, t.dataType, out);
    return { dtype, shape: [...t.dims], data: out };
  }
  const typed = typedValues(t);
  if (typed.length !== count) {
    if (t.dataLocation === 1) throw new FileFormatError(file, `${what} is marked external but has no external data`, t.offset);
    throw new FileFormatError(file, `${what}: has ${typed.length} values, expected ${count} for [${t.dims.join(',')}]`, t.offset);
  }
  for (let i = 0; i < count; i++) {
    const v = typed[i]!;
    if (dtype === 'int64') (out as BigInt64Array)[i] = typeof v === 'bigint' ? BigInt.asIntN(64, v) : BigInt(v);
    else if (t.dataType === OnnxDataType.FLOAT16)
      (out as Uint16Array)[i] = Number(v) & 0xffff; // int32_data holds the half bits
    else (out as Float32Array)[i] = Number(v);
  }
  return { dtype, shape: [...t.dims], data: out };
}

function allocateChecked(dtype: DType, count: number) {
  return allocate(dtype, count);
}

/** The typed field of a tensor that holds its values (ONNX picks the field by element type). */
function typedValues(t: TensorProto): readonly (number | bigint)[] {
  switch (t.dataType) {
    case OnnxDataType.FLOAT:
      return t.floatData;
    case OnnxDataType.DOUBLE:
      return t.doubleData;
    case OnnxDataType.INT64:
      return t.int64Data;
    case OnnxDataType.UINT32:
    case OnnxDataType.UINT64:
      return t.uint64Data;
    default:
      return t.int32Data;
  }
}

function decodeRaw(raw: Uint8Array, elemType: number, out: ReturnType<typeof allocate>): void {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const n = out.length;
  switch (elemType) {
    case OnnxDataType.FLOAT:
      for (let i = 0; i < n; i++) (out as Float32Array)[i] = view.getFloat32(i * 4, true);
      return;
    case OnnxDataType.DOUBLE:
      for (let i = 0; i < n; i++) (out as Float64Array)[i] = view.getFloat64(i * 8, true);
      return;
    case OnnxDataType.FLOAT16:
      for (let i = 0; i < n; i++) (out as Uint16Array)[i] = view.getUint16(i * 2, true);
      return;
    case OnnxDataType.INT32:
      for (let i = 0; i < n; i++) (out as Int32Array)[i] = view.getInt32(i * 4, true);
      return;
    case OnnxDataType.INT16:
      for (let i = 0; i < n; i++) (out as Int32Array)[i] = view.getInt16(i * 2, true);
      return;
    case OnnxDataType.UINT16:
      for (let i = 0; i < n; i++) (out as Int32Array)[i] = view.getUint16(i * 2, true);
      return;
    case OnnxDataType.INT8:
      for (let i = 0; i < n; i++) (out as Int32Array)[i] = view.getInt8(i);
      return;
    case OnnxDataType.INT64:
      for (let i = 0; i < n; i++) (out as BigInt64Array)[i] = view.getBigInt64(i * 8, true);
      return;
    case OnnxDataType.UINT64:
      for (let i = 0; i < n; i++) (out as BigInt64Array)[i] = BigInt.asIntN(64, view.getBigUint64(i * 8, true));
      return;
    case OnnxDataType.UINT32:
      for (let i = 0; i < n; i++) (out as BigInt64Array)[i] = BigInt(view.getUint32(i * 4, true));
      return;
    case OnnxDataType.BOOL:
      for (let i = 0; i < n; i++) (out as Uint8Array)[i] = raw[i]! ? 1 : 0;
      return;
    default:
      (out as Uint8Array).set(raw);
      return;
  }
}

/** HostTensor -> TensorProto with little-endian raw_data (deterministic bytes). */
export function tensorToProto(name: string, t: HostTensor): TensorProto {
  const p = emptyTensor();
  p.name = name;
  p.dims = [...t.shape];
  p.dataType = ONNX_TYPE_OF[t.dtype];
  p.rawData = rawBytes(t);
  return p;
}

/** The little-endian bytes of a tensor's data. */
export function rawBytes(t: HostTensor): Uint8Array {
  const d = t.data;
  const out = new Uint8Array(d.byteLength);
  const view = new DataView(out.buffer);
  const n = d.length;
  switch (t.dtype) {
    case 'float32':
      for (let i = 0; i < n; i++) view.setFloat32(i * 4, (d as Float32Array)[i]!, true);
      break;
    case 'float64':
      for (let i = 0; i < n; i++) view.setFloat64(i * 8, (d as Float64Array)[i]!, true);
      break;
    case 'float16':
      for (let i = 0; i < n; i++) view.setUint16(i * 2, (d as Uint16Array)[i]!, true);
      break;
    case 'int32':
      for (let i = 0; i < n; i++) view.setInt32(i * 4, (d as Int32Array)[i]!, true);
      break;
    case 'int64':
      for (let i = 0; i < n; i++) view.setBigInt64(i * 8, (d as BigInt64Array)[i]!, true);
      break;
    default:
      out.set(d as Uint8Array);
  }
  return out;
}

/** Element count helper re-exported for callers that build constants. */
export function elementCount(shape: readonly number[]): number {
  return sizeOf(shape);
}

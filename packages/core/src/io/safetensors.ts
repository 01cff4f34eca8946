/**
 * safetensors files, in plain TypeScript on bytes: no file system here, so it runs in browsers
 * too (see ../node for files).
 *
 * Layout: an 8-byte little-endian u64 N, N bytes of UTF-8 JSON header
 *   {"__metadata__": {"k": "v"}, "name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}, ...}
 * (padded with spaces), then the byte buffer; data_offsets are relative to the buffer's start,
 * elements are little-endian and row-major.
 *
 * The reader applies the format's own validation rules before allocating anything: header length
 * within the file and below a cap, valid JSON (./json-bytes.ts; duplicate keys refused), known
 * dtypes, offsets inside the buffer, each entry's byte length equal to its shape's, and entries
 * that neither overlap nor leave gaps, covering the buffer exactly. Every problem is a FileFormatError naming
 * the file and the byte offset. The writer is deterministic: tensors in sorted name order,
 * compact JSON padded with spaces to a multiple of 8 bytes.
 */
import { FileFormatError, SkipconnError } from '../errors';
import { BYTES_PER_ELEMENT, formatShape, type DType, type HostTensor } from '../tensor';
import { HOST_LITTLE_ENDIAN, byteSize, checkBoolBytes, clip, littleEndianBytes, storageFor, swapInPlace } from './bytes';
import { checkTensor } from './check-tensor';
import { JsonParser, describeJson, type JsonMember, type JsonValue } from './json-bytes';

export interface ReadSafetensorsOptions {
  /** Largest JSON header accepted, in bytes. Default 100 MB (the reference implementation's cap). */
  readonly maxHeaderBytes?: number;
}

export interface SafetensorsFile {
  readonly tensors: Map<string, HostTensor>;
  readonly metadata: Record<string, string>;
}

export const SAFETENSORS_MAX_HEADER_BYTES_DEFAULT = 100_000_000;
/** Shapes and offsets are JSON integers written as plain digits (no sign, fraction or exponent). */
const INTEGER = /^(0|[1-9][0-9]*)$/;

const DTYPE_OF: Record<string, DType> = {
  F32: 'float32',
  F16: 'float16',
  F64: 'float64',
  I32: 'int32',
  I64: 'int64',
  U8: 'uint8',
  BOOL: 'bool',
};

const CODE_OF: Record<DType, string> = {
  float32: 'F32',
  float16: 'F16',
  float64: 'F64',
  int32: 'I32',
  int64: 'I64',
  uint8: 'U8',
  bool: 'BOOL',
};

export const SAFETENSORS_SUPPORTED_DTYPES: readonly string[] = Object.keys(DTYPE_OF);

interface Entry {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: number[];
  readonly begin: number;
  readonly end: number;
  /** Offset of the entry's data_offsets in the file, for error messages. */
  readonly offsetsAt: number;
}

function parseEntry(p: JsonParser, name: string, member: JsonMember): Entry {
  const v = member.value;
  if (v.kind !== 'object') return p.fail(`tensor '${clip(name)}': expected an object with dtype, shape and data_offsets, received ${describeJson(v)}`, v.offset);
  const field = (key: string): JsonValue => {
    const f = v.members.get(key)?.value;
    if (f === undefined) return p.fail(`tensor '${clip(name)}' is missing '${key}' (expected dtype, shape, data_offsets)`, v.offset);
    return f;
  };
  const dtypeValue = field('dtype');
  if (dtypeValue.kind !== 'string') return p.fail(`tensor '${clip(name)}': dtype must be a string, received ${describeJson(dtypeValue)}`, dtypeValue.offset);
  const dtype = Object.prototype.hasOwnProperty.call(DTYPE_OF, dtypeValue.value) ? DTYPE_OF[dtypeValue.value] : undefined;
  if (dtype === undefined) {
    return p.fail(`tensor '${clip(name)}': unsupported dtype '${clip(dtypeValue.value)}'; supported: ${SAFETENSORS_SUPPORTED_DTYPES.join(', ')}`, dtypeValue.offset);
  }
  const shapeValue = field('shape');
  if (shapeValue.kind !== 'array') return p.fail(`tensor '${clip(name)}': shape must be an array of non-negative integers, received ${describeJson(shapeValue)}`, shapeValue.offset);
  const shape = shapeValue.items.map((d, i) => {
    if (d.kind !== 'number' || !INTEGER.test(d.text)) {
      return p.fail(`tensor '${clip(name)}': shape dimension ${i} is ${describeJson(d)}: expected a non-negative integer`, d.offset);
    }
    if (!Number.isSafeInteger(d.value)) return p.fail(`tensor '${clip(name)}': shape dimension ${i} is ${clip(d.text)}, larger than ${Number.MAX_SAFE_INTEGER}`, d.offset);
    return d.value;
  });
  const offsets = field('data_offsets');
  if (offsets.kind !== 'array' || offsets.items.length !== 2) {
    return p.fail(`tensor '${clip(name)}': data_offsets must be [begin, end], received ${describeJson(offsets)}`, offsets.offset);
  }
  const [b, e] = offsets.items.map((o, i) => {
    if (o.kind !== 'number' || !INTEGER.test(o.text) || !Number.isSafeInteger(o.value)) {
      return p.fail(`tensor '${clip(name)}': data_offsets[${i}] is ${describeJson(o)}: expected a non-negative integer below ${Number.MAX_SAFE_INTEGER}`, o.offset);
    }
    return o.value;
  }) as [number, number];
  if (e < b) p.fail(`tensor '${clip(name)}': data_offsets [${b}, ${e}] end before they begin`, offsets.offset);

  const bytes = byteSize(shape, BYTES_PER_ELEMENT[dtype]);
  if (bytes === undefined) return p.fail(`tensor '${clip(name)}': ${dtype} ${formatShape(shape)} needs more than ${Number.MAX_SAFE_INTEGER} bytes (the shape's size overflows)`, shapeValue.offset);
  if (e - b !== bytes) {
    p.fail(`tensor '${clip(name)}': expected ${bytes} bytes of data for ${dtype} ${formatShape(shape)}, but data_offsets [${b}, ${e}] hold ${e - b}`, offsets.offset);
  }
  return { name, dtype, shape, begin: b, end: e, offsetsAt: offsets.offset };
}

/**
 * Reads a safetensors file's bytes. Tensors are fresh copies (`bytes` is not kept).
 * Throws FileFormatError naming `file` and the byte offset on anything malformed.
 */
export function readSafetensors(bytes: Uint8Array, file = '<safetensors>', options: ReadSafetensorsOptions = {}): SafetensorsFile {
  const maxHeader = options.maxHeaderBytes ?? SAFETENSORS_MAX_HEADER_BYTES_DEFAULT;
  const len = bytes.length;
  if (len < 8) throw new FileFormatError(file, `file is ${len} bytes and ends inside the 8-byte header length (truncated?)`, len);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const low = view.getUint32(0, true);
  const high = view.getUint32(4, true);
  const headerLength = high * 2 ** 32 + low; // exact below 2^53; larger values fail the cap anyway
  if (headerLength > maxHeader) {
    const exact = ((BigInt(high) << 32n) | BigInt(low)).toString();
    throw new FileFormatError(file, `header length ${exact} exceeds the cap of ${maxHeader} bytes (not a safetensors file, or raise option maxHeaderBytes)`, 0);
  }
  if (headerLength > len - 8) {
    throw new FileFormatError(file, `header declares ${headerLength} bytes but only ${len - 8} remain (truncated header)`, 8);
  }
  const bufferStart = 8 + headerLength;
  const bufferLength = len - bufferStart;

  const p: JsonParser = new JsonParser(bytes, 8, bufferStart, file);
  p.skipSpace();
  if (p.atEnd() || bytes[p.pos] !== 0x7b) p.fail(`header is not a JSON object: expected '{'${p.atEnd() ? ', received an empty header' : ''}`);
  const root = p.value(0);
  p.skipSpace();
  if (!p.atEnd()) p.fail('header has content after the JSON object (only space padding is allowed)');
  if (root.kind !== 'object') return p.fail('header is not a JSON object', 8);

  const metadata: [string, string][] = [];
  const entries: Entry[] = [];
  for (const [name, member] of root.members) {
    if (name === '__metadata__') {
      const m = member.value;
      if (m.kind === 'null') continue;
      if (m.kind !== 'object') p.fail(`__metadata__ must be an object of strings, received ${describeJson(m)}`, m.offset);
      for (const [key, value] of m.members) {
        if (value.value.kind !== 'string') p.fail(`__metadata__ value for ${clip(JSON.stringify(key))} must be a string, received ${describeJson(value.value)}`, value.value.offset);
        metadata.push([key, value.value.value]);
      }
      continue;
    }
    const entry = parseEntry(p, name, member);
    if (entry.end > bufferLength) {
      p.fail(`tensor '${clip(name)}': data_offsets [${entry.begin}, ${entry.end}] reach past the end of the ${bufferLength}-byte data buffer (truncated data?)`, entry.offsetsAt);
    }
    entries.push(entry);
  }

  // The entries, in offset order, must tile the buffer exactly: no overlap, no gap.
  const ordered = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expectedBegin = 0;
  for (const entry of ordered) {
    if (entry.begin < expectedBegin) {
      p.fail(`tensor '${clip(entry.name)}': data_offsets [${entry.begin}, ${entry.end}] overlap the previous tensor's data (which ends at ${expectedBegin})`, entry.offsetsAt);
    }
    if (entry.begin > expectedBegin) {
      throw new FileFormatError(file, `data buffer has ${entry.begin - expectedBegin} bytes [${expectedBegin}, ${entry.begin}) that no tensor covers (before tensor '${clip(entry.name)}')`, bufferStart + expectedBegin);
    }
    expectedBegin = entry.end;
  }
  if (expectedBegin !== bufferLength) {
    throw new FileFormatError(file, `data buffer is ${bufferLength} bytes but the tensors cover ${expectedBegin} (${bufferLength - expectedBegin} trailing bytes)`, bufferStart + expectedBegin);
  }

  const tensors = new Map<string, HostTensor>();
  for (const entry of entries) {
    const start = bufferStart + entry.begin;
    const raw = bytes.slice(start, bufferStart + entry.end);
    if (entry.dtype === 'bool') checkBoolBytes(raw, file, start, `tensor '${clip(entry.name)}'`);
    const itemsize = BYTES_PER_ELEMENT[entry.dtype];
    if (!HOST_LITTLE_ENDIAN) swapInPlace(raw, itemsize);
    const data = storageFor(entry.dtype, raw.buffer as ArrayBuffer, raw.length / itemsize);
    tensors.set(entry.name, { dtype: entry.dtype, shape: entry.shape, data } as HostTensor);
  }
  return { tensors, metadata: Object.fromEntries(metadata) };
}

// ---------------------------------------------------------------------------------------------

function invalid(message: string): never {
  throw new SkipconnError('INPUT_INVALID', `writeSafetensors: ${message}`);
}

/**
 * Writes tensors (and optional string metadata) as safetensors bytes. The output is a pure
 * function of the input: tensors and metadata keys in sorted order, compact JSON padded with
 * spaces to a multiple of 8 bytes.
 */
export function writeSafetensors(tensors: ReadonlyMap<string, HostTensor> | Readonly<Record<string, HostTensor>>, metadata?: Readonly<Record<string, string>>): Uint8Array {
  const isMap = tensors instanceof Map || (typeof tensors.entries === 'function' && typeof tensors.get === 'function');
  const pairs: [string, HostTensor][] = isMap ? [...(tensors as ReadonlyMap<string, HostTensor>).entries()] : Object.entries(tensors as Readonly<Record<string, HostTensor>>);
  pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

  const header: string[] = [];
  if (metadata !== undefined) {
    const keys = Object.keys(metadata).sort();
    const items = keys.map((k) => {
      const v = metadata[k];
      if (typeof v !== 'string') invalid(`metadata value for ${JSON.stringify(k)} must be a string, received ${typeof v}`);
      return `${JSON.stringify(k)}:${JSON.stringify(v)}`;
    });
    header.push(`"__metadata__":{${items.join(',')}}`);
  }
  let offset = 0;
  const chunks: Uint8Array[] = [];
  for (const [name, t] of pairs) {
    if (name === '__metadata__') invalid(`a tensor cannot be named "__metadata__"`);
    checkTensor(t, `writeSafetensors: tensor '${clip(name)}'`);
    const chunk = littleEndianBytes(t);
    const end = offset + chunk.length;
    header.push(`${JSON.stringify(name)}:{"dtype":"${CODE_OF[t.dtype]}","shape":[${t.shape.join(',')}],"data_offsets":[${offset},${end}]}`);
    chunks.push(chunk);
    offset = end;
  }
  const json = new TextEncoder().encode(`{${header.join(',')}}`);
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerLength % 2 ** 32, true);
  view.setUint32(4, Math.floor(headerLength / 2 ** 32), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let at = 8 + headerLength;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/**
 * NumPy .npy files (format versions 1.0, 2.0 and 3.0), in plain TypeScript on bytes: no file
 * system here, so it runs in browsers too (see ../node for files).
 *
 * Layout: magic "\x93NUMPY", major, minor, header length (u16 LE for 1.0, u32 LE for 2.0/3.0),
 * the header (a Python dict literal: {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
 * padded with spaces and a final '\n'), then the raw element bytes.
 *
 * Reading is strict: the header is parsed by a small literal parser (./py-literal.ts; never
 * evaluated), every size is checked before anything is allocated, and every problem is a
 * FileFormatError naming the file and the byte offset. fortran_order True is accepted and
 * converted to row-major. Big-endian files are byte-swapped. Writing produces the bytes NumPy itself writes (version 1.0, or 2.0 when the
 * header needs more than 65535 bytes), always little-endian and row-major.
 */
import { FileFormatError, SkipconnError } from '../errors';
import { BYTES_PER_ELEMENT, formatShape, type DType, type HostTensor, type TypedArray } from '../tensor';
import { HOST_LITTLE_ENDIAN, byteSize, checkBoolBytes, clip, latin1ToBytes, littleEndianBytes, storageFor, swapInPlace } from './bytes';
import { checkTensor } from './check-tensor';
import { LiteralParser, describePy, type PyValue } from './py-literal';

export interface ReadNpyOptions {
  /** Largest data section accepted, in bytes; checked before allocating. Default 2 GiB. */
  readonly maxBytes?: number;
  /** Largest header accepted, in bytes. Default 1 MiB. */
  readonly maxHeaderBytes?: number;
}

export const NPY_MAX_BYTES_DEFAULT = 2 * 1024 ** 3;
export const NPY_MAX_HEADER_BYTES_DEFAULT = 1024 ** 2;
/** NumPy 2.x allows 64 dimensions; nothing real has more. */
export const NPY_MAX_DIMS = 64;

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const ALIGN = 64;
/** NumPy pads the header so the first dimension can grow in place to this many digits. */
const GROWTH_AXIS_MAX_DIGITS = 21;

/** NumPy type codes (the descr without its byte-order character) for each dtype. */
const TYPE_CODES: Record<string, DType> = {
  f2: 'float16',
  f4: 'float32',
  f8: 'float64',
  i4: 'int32',
  i8: 'int64',
  u1: 'uint8',
  b1: 'bool',
};

const DESCR_OF: Record<DType, string> = {
  float16: '<f2',
  float32: '<f4',
  float64: '<f8',
  int32: '<i4',
  int64: '<i8',
  uint8: '|u1',
  bool: '|b1',
};

/** The descrs this reader accepts, for error messages. */
export const NPY_SUPPORTED_DESCRS: readonly string[] = ["'<f4' (float32)", "'<f2' (float16)", "'<f8' (float64)", "'<i4' (int32)", "'<i8' (int64)", "'|u1' (uint8)", "'|b1' (bool)", "and the big-endian '>' forms"];

interface NpyHeader {
  readonly dtype: DType;
  readonly bigEndian: boolean;
  readonly fortranOrder: boolean;
  readonly shape: number[];
}

function parseHeader(bytes: Uint8Array, start: number, end: number, file: string, utf8: boolean): NpyHeader {
  const p: LiteralParser = new LiteralParser(bytes, start, end, file, utf8);
  p.skipSpace();
  if (p.pos >= end || bytes[p.pos] !== 0x7b) {
    p.fail(`header is not a dict: expected '{', received ${p.pos >= end ? 'an empty header' : `'${String.fromCharCode(bytes[p.pos]!)}'`}`);
  }
  const dict = p.value(0);
  p.skipSpace();
  if (p.pos < end) p.fail(`header has unexpected content after the dict (expected only spaces and '\\n')`);
  if (dict.kind !== 'dict') return p.fail('header is not a dict', start);

  const found = new Map<string, PyValue>();
  for (const [key, value] of dict.entries) {
    if (key.kind !== 'str') p.fail(`header dict keys must be strings, received ${describePy(key)}`, key.offset);
    if (found.has(key.value)) p.fail(`header has the key '${clip(key.value)}' twice`, key.offset);
    if (key.value !== 'descr' && key.value !== 'fortran_order' && key.value !== 'shape') {
      p.fail(`header has an unexpected key '${clip(key.value)}' (expected exactly 'descr', 'fortran_order', 'shape')`, key.offset);
    }
    found.set(key.value, value);
  }
  const get = (key: string): PyValue => {
    const v = found.get(key);
    if (v === undefined) {
      const keys = [...found.keys()].map((k) => `'${k}'`).join(', ');
      return p.fail(`header is missing the key '${key}' (expected 'descr', 'fortran_order', 'shape'; found ${keys || 'none'})`, dict.offset);
    }
    return v;
  };

  const descr = get('descr');
  if (descr.kind !== 'str') {
    return p.fail(`header 'descr' must be a dtype string such as '<f4' (structured dtypes are not supported), received ${describePy(descr)}; supported: ${NPY_SUPPORTED_DESCRS.join(', ')}`, descr.offset);
  }
  const order = descr.value.charAt(0);
  const dtype = TYPE_CODES[descr.value.slice(1)];
  const itemsize = dtype === undefined ? 0 : BYTES_PER_ELEMENT[dtype];
  const orderOk = itemsize === 1 ? order === '|' || order === '<' || order === '>' : order === '<' || order === '>';
  if (dtype === undefined || !orderOk || descr.value.length !== 3) {
    return p.fail(`unsupported dtype '${clip(descr.value)}'; supported: ${NPY_SUPPORTED_DESCRS.join(', ')}`, descr.offset);
  }

  const fortran = get('fortran_order');
  if (fortran.kind !== 'bool') p.fail(`header 'fortran_order' must be True or False, received ${describePy(fortran)}`, fortran.offset);

  const shapeValue = get('shape');
  if (shapeValue.kind !== 'tuple') {
    return p.fail(`header 'shape' must be a tuple of non-negative integers such as (2, 3), received ${describePy(shapeValue)}`, shapeValue.offset);
  }
  if (shapeValue.items.length > NPY_MAX_DIMS) {
    p.fail(`shape has ${shapeValue.items.length} dimensions; at most ${NPY_MAX_DIMS} are supported`, shapeValue.offset);
  }
  const shape = shapeValue.items.map((d, i) => {
    if (d.kind !== 'int') return p.fail(`shape dimension ${i} is ${describePy(d)}: expected a non-negative integer`, d.offset);
    const n = Number(d.text);
    if (n < 0 || d.text.startsWith('-')) {
      if (n === 0) return 0; // "-0" is 0 in Python
      return p.fail(`shape dimension ${i} is ${clip(d.text)}: expected a non-negative integer`, d.offset);
    }
    if (!Number.isSafeInteger(n)) return p.fail(`shape dimension ${i} is ${clip(d.text)}, larger than ${Number.MAX_SAFE_INTEGER}`, d.offset);
    return n;
  });
  return { dtype, bigEndian: order === '>' && itemsize > 1, fortranOrder: fortran.kind === 'bool' && fortran.value, shape };
}

type Indexable = { [i: number]: number | bigint; readonly length: number };

/** Column-major (Fortran) data of `shape` to row-major. */
function fortranToRowMajor(src: TypedArray, shape: readonly number[], dtype: DType): TypedArray {
  const n = src.length;
  if (shape.length < 2 || n === 0) return src;
  const dst = storageFor(dtype, new ArrayBuffer(n * BYTES_PER_ELEMENT[dtype]), n);
  const rank = shape.length;
  const fstrides = new Array<number>(rank);
  let s = 1;
  for (let k = 0; k < rank; k++) {
    fstrides[k] = s;
    s *= shape[k]!;
  }
  const index = new Array<number>(rank).fill(0);
  let f = 0;
  const from = src as unknown as Indexable;
  const to = dst as unknown as Indexable;
  for (let o = 0; o < n; o++) {
    to[o] = from[f]!;
    for (let k = rank - 1; k >= 0; k--) {
      index[k]!++;
      f += fstrides[k]!;
      if (index[k]! < shape[k]!) break;
      f -= fstrides[k]! * shape[k]!;
      index[k] = 0;
    }
  }
  return dst;
}

/**
 * Reads a .npy file's bytes into a row-major HostTensor (always a fresh copy; `bytes` is not kept).
 * Throws FileFormatError naming `file` and the byte offset on anything malformed.
 */
export function readNpy(bytes: Uint8Array, file = '<npy>', options: ReadNpyOptions = {}): HostTensor {
  const maxBytes = options.maxBytes ?? NPY_MAX_BYTES_DEFAULT;
  const maxHeaderBytes = options.maxHeaderBytes ?? NPY_MAX_HEADER_BYTES_DEFAULT;
  const len = bytes.length;
  for (let i = 0; i < MAGIC.length; i++) {
    if (i >= len) {
      throw new FileFormatError(file, `file is ${len} bytes and ends inside the magic string (truncated?)`, len);
    }
    if (bytes[i] !== MAGIC[i]) {
      const seen = Array.from(bytes.subarray(0, Math.min(6, len)), (b) => b.toString(16).padStart(2, '0')).join(' ');
      throw new FileFormatError(file, `not an .npy file: expected the magic bytes 93 4e 55 4d 50 59 ("\\x93NUMPY"), received ${seen}`, i);
    }
  }
  if (len < 8) throw new FileFormatError(file, `file is ${len} bytes and ends before the format version (truncated?)`, len);
  const major = bytes[6]!;
  const minor = bytes[7]!;
  if ((major !== 1 && major !== 2 && major !== 3) || minor !== 0) {
    throw new FileFormatError(file, `unsupported .npy format version ${major}.${minor}; supported: 1.0, 2.0, 3.0`, 6);
  }
  const lengthBytes = major === 1 ? 2 : 4;
  const headerStart = 8 + lengthBytes;
  if (len < headerStart) {
    throw new FileFormatError(file, `file is ${len} bytes and ends inside the header length field (truncated header)`, len);
  }
  const headerLength = major === 1 ? bytes[8]! | (bytes[9]! << 8) : (bytes[8]! | (bytes[9]! << 8) | (bytes[10]! << 16)) + bytes[11]! * 2 ** 24;
  if (headerLength > maxHeaderBytes) {
    throw new FileFormatError(file, `header length ${headerLength} exceeds the cap of ${maxHeaderBytes} bytes (option maxHeaderBytes)`, 8);
  }
  const dataStart = headerStart + headerLength;
  if (dataStart > len) {
    throw new FileFormatError(file, `header declares ${headerLength} bytes but only ${len - headerStart} remain (truncated header)`, headerStart);
  }
  const header = parseHeader(bytes, headerStart, dataStart, file, major === 3);
  const { dtype, shape } = header;
  const itemsize = BYTES_PER_ELEMENT[dtype];
  const described = `${dtype} ${formatShape(shape)}`;
  const expected = byteSize(shape, itemsize);
  if (expected === undefined) {
    throw new FileFormatError(file, `${described} needs more than ${Number.MAX_SAFE_INTEGER} bytes (the shape's size overflows)`, headerStart);
  }
  if (expected > maxBytes) {
    throw new FileFormatError(file, `${described} needs ${expected} bytes, more than the cap of ${maxBytes} bytes (option maxBytes)`, headerStart);
  }
  const remaining = len - dataStart;
  if (remaining < expected) {
    throw new FileFormatError(file, `expected ${expected} bytes of data for ${described}, received ${remaining} (truncated data)`, dataStart);
  }
  if (remaining > expected) {
    throw new FileFormatError(file, `expected ${expected} bytes of data for ${described}, received ${remaining} (${remaining - expected} trailing bytes after the data)`, dataStart + expected);
  }

  const raw = bytes.slice(dataStart, dataStart + expected); // fresh, aligned copy
  if (dtype === 'bool') checkBoolBytes(raw, file, dataStart);
  if (header.bigEndian === HOST_LITTLE_ENDIAN) swapInPlace(raw, itemsize);
  let data = storageFor(dtype, raw.buffer as ArrayBuffer, expected / itemsize);
  if (header.fortranOrder) data = fortranToRowMajor(data, shape, dtype);
  return { dtype, shape, data } as HostTensor;
}

/**
 * Writes a tensor as .npy bytes, identical to what NumPy's np.save writes for the same array:
 * format 1.0 (2.0 if the header exceeds 65535 bytes), little-endian, C order, data at a
 * multiple of 64 bytes.
 */
export function writeNpy(t: HostTensor): Uint8Array {
  checkTensor(t, 'writeNpy', 'Uint16Array of half bits');
  if (t.shape.length > NPY_MAX_DIMS) {
    throw new SkipconnError('INPUT_INVALID', `writeNpy: ${t.shape.length} dimensions; .npy readers (NumPy included) accept at most ${NPY_MAX_DIMS}`);
  }
  const shapeRepr = t.shape.length === 1 ? `(${t.shape[0]},)` : `(${t.shape.join(', ')})`;
  let dict = `{'descr': '${DESCR_OF[t.dtype]}', 'fortran_order': False, 'shape': ${shapeRepr}, }`;
  if (t.shape.length > 0) dict += ' '.repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - String(t.shape[0]).length));
  let major = 1;
  let prefix = MAGIC.length + 2 + 2;
  let padded = dict.length + 1;
  padded += ALIGN - ((prefix + padded) % ALIGN);
  // NumPy's rule: 1.0 unless the header needs more than 65535 bytes. With at most 64 dimensions
  // our headers stay far below that, so this is defensive.
  if (padded > 0xffff) {
    major = 2;
    prefix = MAGIC.length + 2 + 4;
    padded = dict.length + 1;
    padded += ALIGN - ((prefix + padded) % ALIGN);
  }
  const headerText = dict + ' '.repeat(padded - dict.length - 1) + '\n';
  const data = littleEndianBytes(t);
  const out = new Uint8Array(prefix + padded + data.length);
  out.set(MAGIC, 0);
  out[6] = major;
  out[7] = 0;
  if (major === 1) {
    out[8] = padded & 0xff;
    out[9] = padded >>> 8;
  } else {
    new DataView(out.buffer).setUint32(8, padded, true);
  }
  out.set(latin1ToBytes(headerText), prefix);
  out.set(data, prefix + padded);
  return out;
}

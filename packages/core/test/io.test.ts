/**
 * .npy and safetensors I/O: round trips for every dtype, compatibility with bytes written by
 * NumPy (fixtures from tools/fixtures/make-npy-fixtures.py), every error path with its byte
 * offset, fuzzing (truncation and byte flips throw only FileFormatError), and the Node helpers
 * (atomic writes, graph files with weights).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readNpy, writeNpy } from '../src/io/npy';
import { readSafetensors, writeSafetensors } from '../src/io/safetensors';
import { loadGraphFile, readFileChecked, readNpyFile, resolveWeightsPath, saveGraphFile, writeFileAtomic, writeFileSetAtomic, writeNpyFile } from '../src/node';
import { FileFormatError, SkipconnError } from '../src/errors';
import { float16BitsToNumber, float32ToFloat16Bits, tensor, type DType, type HostTensor } from '../src/tensor';
import { seededRandom } from '../src/random';
import { GraphBuilder } from '../src/graph/builder';
import { serializeGraph } from '../src/graph/json';

const FIXTURES = path.join(__dirname, 'fixtures');
// The fs module object itself (an `import * as` namespace is a copy whose members cannot be spied on).
const realFs = jest.requireActual<typeof fs>('fs');

// ---------------------------------------------------------------------------------------------
// helpers

function bytesOf(t: HostTensor): Buffer {
  return Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}

/** Same dtype, shape and bit-identical data (so NaN payloads and -0 count). */
function expectSameTensor(got: HostTensor | undefined, want: HostTensor): void {
  expect(got).toBeDefined();
  expect(got!.dtype).toBe(want.dtype);
  expect([...got!.shape]).toEqual([...want.shape]);
  expect(got!.data.constructor).toBe(want.data.constructor);
  expect(bytesOf(got!).equals(bytesOf(want))).toBe(true);
}

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw, but nothing was thrown');
}

/** Asserts a FileFormatError naming `file` at byte `offset` whose message matches every pattern. */
function expectFormatError(fn: () => unknown, file: string, offset: number | undefined, ...patterns: (RegExp | string)[]): FileFormatError {
  const err = catchError(fn);
  expect(err).toBeInstanceOf(FileFormatError);
  const e = err as FileFormatError;
  expect(e.code).toBe('FILE_FORMAT');
  expect(e.file).toBe(file);
  expect(e.message.startsWith(file)).toBe(true);
  if (offset !== undefined) {
    expect(e.offset).toBe(offset);
    expect(e.message).toContain(`at byte ${offset}:`);
  }
  for (const p of patterns) {
    if (typeof p === 'string') expect(e.message).toContain(p);
    else expect(e.message).toMatch(p);
  }
  return e;
}

function expectSkipconnError(fn: () => unknown, code: string, ...patterns: (RegExp | string)[]): SkipconnError {
  const err = catchError(fn);
  expect(err).toBeInstanceOf(SkipconnError);
  const e = err as SkipconnError;
  expect(e.code).toBe(code);
  for (const p of patterns) {
    if (typeof p === 'string') expect(e.message).toContain(p);
    else expect(e.message).toMatch(p);
  }
  return e;
}

function concat(...parts: (Uint8Array | number[])[]): Uint8Array {
  const arrays = parts.map((p) => (p instanceof Uint8Array ? p : Uint8Array.from(p)));
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

/** A hand-built .npy: magic, version, length field, the header text as given (no padding added), data. */
function npy(header: string, data: Uint8Array | number[] = [], major = 1, minor = 0): Uint8Array {
  const text = Buffer.from(header, major === 3 ? 'utf8' : 'latin1');
  const len = major === 1 ? [text.length & 0xff, text.length >> 8] : [text.length & 0xff, (text.length >> 8) & 0xff, (text.length >> 16) & 0xff, text.length >>> 24];
  return concat(MAGIC, [major, minor], len, text, data);
}

/** Header start for version 1.0 files. */
const H1 = 10;

/** A hand-built safetensors file from header text (unpadded unless given) and buffer. */
function st(header: string, buffer: Uint8Array | number[] = []): Uint8Array {
  const text = Buffer.from(header, 'utf8');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(text.length));
  return concat(len, text, buffer instanceof Uint8Array ? buffer : Uint8Array.from(buffer));
}

/** File offset of the first occurrence of `needle` in a safetensors header built by st(). */
function stOffset(header: string, needle: string, from = 0): number {
  const i = header.indexOf(needle, from);
  if (i < 0) throw new Error(`'${needle}' not in header`);
  return 8 + Buffer.byteLength(header.slice(0, i));
}

function f16(values: number[]): Uint16Array {
  return Uint16Array.from(values, float32ToFloat16Bits);
}

// A NaN with a payload, to check bits survive (not just "is NaN").
const nanPayload32 = new Float32Array(new Uint32Array([0x7fc00001]).buffer)[0]!;

function sampleTensors(): Record<string, HostTensor> {
  return {
    f32: tensor('float32', [2, 4], new Float32Array([NaN, Infinity, -Infinity, -0, 0, 1.5, 3.4028234663852886e38, nanPayload32])),
    f16: tensor('float16', [2, 3], f16([NaN, Infinity, -Infinity, -0, 65504, 5.960464477539063e-8])),
    f64: tensor('float64', [3, 2], new Float64Array([NaN, Infinity, -Infinity, -0, 5e-324, Number.MAX_VALUE])),
    i32: tensor('int32', [3], new Int32Array([-(2 ** 31), 2 ** 31 - 1, 0])),
    i64: tensor('int64', [2, 2], new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n, 0n, -1n])),
    u8: tensor('uint8', [4], new Uint8Array([0, 1, 128, 255])),
    bool: tensor('bool', [1, 3], new Uint8Array([1, 0, 1])),
    empty0: tensor('float32', [0], new Float32Array(0)),
    empty203: tensor('int64', [2, 0, 3], new BigInt64Array(0)),
    scalarF32: tensor('float32', [], new Float32Array([-0])),
    scalarF16: tensor('float16', [], f16([-2])),
    scalarF64: tensor('float64', [], new Float64Array([NaN])),
    scalarI32: tensor('int32', [], new Int32Array([-7])),
    scalarI64: tensor('int64', [], new BigInt64Array([123456789012345678n])),
    scalarU8: tensor('uint8', [], new Uint8Array([200])),
    scalarBool: tensor('bool', [], new Uint8Array([1])),
    rank5: tensor('float32', [1, 2, 1, 2, 1], new Float32Array([1, 2, 3, 4])),
  };
}

// ---------------------------------------------------------------------------------------------

describe('npy round trips', () => {
  it.each(Object.entries(sampleTensors()))('%s', (_name, t) => {
    const bytes = writeNpy(t);
    const dataStart = bytes.length - t.data.byteLength;
    expect(dataStart % 64).toBe(0);
    expect(bytes[dataStart - 1]).toBe(0x0a); // header ends with '\n'
    expect(bytes[6]).toBe(1);
    expectSameTensor(readNpy(bytes), t);
  });

  it('writes the header NumPy writes', () => {
    const bytes = writeNpy(tensor('float32', [2, 3]));
    const headerLen = bytes[8]! | (bytes[9]! << 8);
    const header = Buffer.from(bytes.subarray(10, 10 + headerLen)).toString('latin1');
    expect(header.trimEnd()).toBe("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }");
    expect(header.endsWith('\n')).toBe(true);
    const one = Buffer.from(writeNpy(tensor('uint8', [5]))).toString('latin1');
    expect(one).toContain("{'descr': '|u1', 'fortran_order': False, 'shape': (5,), }");
    const scalar = Buffer.from(writeNpy(tensor('bool', []))).toString('latin1');
    expect(scalar).toContain("{'descr': '|b1', 'fortran_order': False, 'shape': (), }");
  });

  it('returns a copy: later changes to the bytes do not reach the tensor', () => {
    const bytes = writeNpy(tensor('float32', [2], [1, 2]));
    const t = readNpy(bytes);
    bytes.fill(0, bytes.length - 8);
    expect(Array.from(t.data as Float32Array)).toEqual([1, 2]);
  });

  it('reads from a Uint8Array view at an odd offset', () => {
    const file = writeNpy(tensor('float64', [3], [1, -2, 3]));
    const big = new Uint8Array(file.length + 3);
    big.set(file, 3);
    expectSameTensor(readNpy(big.subarray(3)), tensor('float64', [3], [1, -2, 3]));
  });

  it('normalizes bool values to 0/1 when writing', () => {
    const t = readNpy(writeNpy({ dtype: 'bool', shape: [3], data: new Uint8Array([0, 7, 255]) }));
    expect(Array.from(t.data as Uint8Array)).toEqual([0, 1, 1]);
  });

  it('writes version 2.0 when the header exceeds 65535 bytes', () => {
    // 64 dimensions (the cap) still fit a 1.0 header, so the 2.0 reader is checked with a long header.
    const t = tensor('float32', new Array<number>(64).fill(1), [42]);
    expectSameTensor(readNpy(writeNpy(t)), t);
    const header = `{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }${' '.repeat(70000)}\n`;
    const v2 = npy(header, new Uint8Array(new Float32Array([42]).buffer), 2);
    expectSameTensor(readNpy(v2), tensor('float32', [1], [42]));
  });

  it('rejects malformed tensors when writing', () => {
    expectSkipconnError(() => writeNpy({ dtype: 'float32', shape: [2, 2], data: new Float32Array(3) }), 'INPUT_INVALID', 'data has 3 elements but shape [2,2] needs 4');
    expectSkipconnError(() => writeNpy({ dtype: 'float16', shape: [1], data: new Float32Array(1) } as unknown as HostTensor), 'INPUT_INVALID', 'Uint16Array');
    expectSkipconnError(() => writeNpy({ dtype: 'complex64', shape: [1], data: new Float32Array(1) } as unknown as HostTensor), 'INPUT_INVALID', "unknown dtype 'complex64'");
    expectSkipconnError(() => writeNpy({ dtype: 'float32', shape: [-1], data: new Float32Array(1) }), 'INPUT_INVALID', 'invalid shape');
    expectSkipconnError(() => writeNpy(tensor('float32', new Array<number>(65).fill(1), [1])), 'INPUT_INVALID', '65 dimensions', 'at most 64');
  });
});

// ---------------------------------------------------------------------------------------------

interface ManifestTensor {
  readonly dtype: DType;
  readonly shape: number[];
  readonly values: (number | string)[];
}
interface Manifest {
  readonly npy: (ManifestTensor & { file: string; npSaveBytes: boolean })[];
  readonly safetensors: { file: string; metadata: Record<string, string>; tensors: Record<string, ManifestTensor>; writerBytes: boolean }[];
}
const manifest = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'manifest.json'), 'utf8')) as Manifest;

function decodeValue(v: number | string): number {
  if (typeof v === 'number') return v;
  return { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity, '-0': -0 }[v] ?? Number(v);
}

function expectValues(t: HostTensor, want: ManifestTensor, where: string): void {
  expect({ where, dtype: t.dtype, shape: [...t.shape] }).toEqual({ where, dtype: want.dtype, shape: want.shape });
  expect(t.data.length).toBe(want.values.length);
  want.values.forEach((v, i) => {
    const got = t.data[i]!;
    if (t.dtype === 'int64') expect(got).toBe(BigInt(v as string));
    else if (t.dtype === 'float16') expect(Object.is(float16BitsToNumber(got as number), decodeValue(v))).toBe(true);
    else if (!Object.is(got, decodeValue(v))) throw new Error(`${where}[${i}]: expected ${String(v)}, received ${String(got)}`);
  });
}

describe('compatibility with NumPy (fixtures written by np.save)', () => {
  it('has fixtures', () => {
    expect(manifest.npy.length).toBeGreaterThanOrEqual(10);
  });

  it.each(manifest.npy.map((e) => [e.file, e] as const))('reads %s', (file, entry) => {
    const bytes = new Uint8Array(fs.readFileSync(path.join(FIXTURES, file)));
    const t = readNpy(bytes, file);
    expectValues(t, entry, file);
    if (entry.npSaveBytes) {
      // writeNpy reproduces NumPy's bytes exactly.
      expect(Buffer.from(writeNpy(t)).equals(Buffer.from(bytes))).toBe(true);
    } else {
      expectSameTensor(readNpy(writeNpy(t)), t);
    }
  });

  it('converts fortran_order True to row-major', () => {
    const t = readNpyFile(path.join(FIXTURES, 'f4-fortran-2x3x4.npy'));
    expect([...t.shape]).toEqual([2, 3, 4]);
    expect(Array.from(t.data as Float32Array)).toEqual(Array.from({ length: 24 }, (_, i) => i));
  });

  it('byte-swaps big-endian files', () => {
    const t = readNpy(new Uint8Array(fs.readFileSync(path.join(FIXTURES, 'i4-3-be.npy'))));
    expect(Array.from(t.data as Int32Array)).toEqual([1, -2, 2 ** 31 - 1]);
  });

  it('accepts hand-written headers NumPy also accepts: double quotes, Python 2 longs, other key order, a list-free 1-tuple, no trailing comma', () => {
    const data = new Uint8Array(new Float32Array([1, 2, 3, 4, 5, 6]).buffer);
    for (const header of [
      "{'shape': (2, 3), 'fortran_order': False, 'descr': '<f4'}\n",
      '{"descr": "<f4", "fortran_order": False, "shape": (2L, 3L)}  \n',
      "{'descr':'<f4','fortran_order':False,'shape':(2,3,),}",
      "{ 'descr' : '<f4' ,\n 'fortran_order' : False , 'shape' : ( 2 , 3 ) }\n",
    ]) {
      const t = readNpy(npy(header, data));
      expect([...t.shape]).toEqual([2, 3]);
      expect(Array.from(t.data as Float32Array)).toEqual([1, 2, 3, 4, 5, 6]);
    }
    expect([...readNpy(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }\n", data.subarray(0, 4))).shape]).toEqual([1]);
  });
});

describe('compatibility with the safetensors spec (hand-built reference files)', () => {
  it.each(manifest.safetensors.map((e) => [e.file, e] as const))('reads %s', (file, entry) => {
    const bytes = new Uint8Array(fs.readFileSync(path.join(FIXTURES, file)));
    const { tensors, metadata } = readSafetensors(bytes, file);
    expect(metadata).toEqual(entry.metadata);
    expect([...tensors.keys()].sort()).toEqual(Object.keys(entry.tensors).sort());
    for (const [name, want] of Object.entries(entry.tensors)) expectValues(tensors.get(name)!, want, `${file}:${name}`);
    if (entry.writerBytes) {
      const again = writeSafetensors(tensors, Object.keys(metadata).length > 0 ? metadata : undefined);
      expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('safetensors round trips', () => {
  it('round-trips every dtype, special value, zero-size and scalar tensor', () => {
    const tensors = sampleTensors();
    const bytes = writeSafetensors(tensors, { format: 'pt', note: 'üñí' });
    const back = readSafetensors(bytes);
    expect(back.metadata).toEqual({ format: 'pt', note: 'üñí' });
    expect(back.tensors.size).toBe(Object.keys(tensors).length);
    for (const [name, t] of Object.entries(tensors)) expectSameTensor(back.tensors.get(name), t);
  });

  it('writes deterministic bytes: sorted names, header padded with spaces to a multiple of 8', () => {
    const tensors = sampleTensors();
    const a = writeSafetensors(tensors);
    const b = writeSafetensors(new Map(Object.entries(tensors).reverse()));
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    const n = Number(Buffer.from(a).readBigUInt64LE(0));
    expect(n % 8).toBe(0);
    const header = Buffer.from(a.subarray(8, 8 + n)).toString('utf8');
    expect(header.startsWith('{')).toBe(true);
    expect(header.trimEnd().endsWith('}')).toBe(true);
    expect(/^ *$/.test(header.slice(header.trimEnd().length))).toBe(true);
    const names = Object.keys(JSON.parse(header) as object);
    expect(names).toEqual([...names].sort());
  });

  it('writes an empty file with no tensors', () => {
    const bytes = writeSafetensors({});
    expect(readSafetensors(bytes).tensors.size).toBe(0);
    expect(Buffer.from(bytes.subarray(8)).toString()).toBe('{}      ');
  });

  it('handles awkward names and metadata keys without prototype pollution', () => {
    const t = tensor('float32', [1], [1]);
    const bytes = writeSafetensors(
      new Map([
        ['__proto__', t],
        ['constructor', t],
        ['a"b\\c\n', t],
      ]),
      { __proto__x: 'y', toString: 'z' },
    );
    const back = readSafetensors(bytes);
    expect([...back.tensors.keys()].sort()).toEqual(['__proto__', 'a"b\\c\n', 'constructor']);
    expect(back.metadata['toString']).toBe('z');
  });

  it('rejects what it cannot write', () => {
    const t = tensor('float32', [1], [1]);
    expectSkipconnError(() => writeSafetensors({ __metadata__: t }), 'INPUT_INVALID', '__metadata__');
    expectSkipconnError(() => writeSafetensors({ x: t }, { k: 3 as unknown as string }), 'INPUT_INVALID', 'must be a string');
    expectSkipconnError(() => writeSafetensors({ x: { dtype: 'int64', shape: [2], data: new BigInt64Array(3) } }), 'INPUT_INVALID', "tensor 'x'", 'needs 2');
  });
});

// ---------------------------------------------------------------------------------------------

describe('npy errors name the problem, the file and the byte offset', () => {
  const F = 'bad.npy';
  const good = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }\n";
  const data24 = new Uint8Array(24);
  const header =
    (h: string, data: Uint8Array | number[] = data24) =>
    () =>
      readNpy(npy(h, data), F);
  const at = (h: string, needle: string) => H1 + h.indexOf(needle);

  it('bad magic', () => {
    expectFormatError(() => readNpy(Uint8Array.from(Buffer.from('PK\x03\x04 not numpy at all')), F), F, 0, 'not an .npy file', '50 4b 03 04');
    expectFormatError(() => readNpy(concat([0x93, 0x4e, 0x55, 0x4e, 0x50, 0x59, 1, 0]), F), F, 3, 'magic');
  });

  it('empty and tiny files', () => {
    expectFormatError(() => readNpy(new Uint8Array(0), F), F, 0, 'ends inside the magic string');
    expectFormatError(() => readNpy(Uint8Array.from(MAGIC.slice(0, 4)), F), F, 4, 'ends inside the magic string');
    expectFormatError(() => readNpy(Uint8Array.from([...MAGIC, 1]), F), F, 7, 'before the format version');
    expectFormatError(() => readNpy(Uint8Array.from([...MAGIC, 1, 0, 5]), F), F, 9, 'truncated header');
    expectFormatError(() => readNpy(Uint8Array.from([...MAGIC, 2, 0, 5, 0]), F), F, 10, 'truncated header');
  });

  it('unsupported version', () => {
    expectFormatError(() => readNpy(npy(good, data24, 4), F), F, 6, 'unsupported .npy format version 4.0', 'supported: 1.0, 2.0, 3.0');
    expectFormatError(() => readNpy(npy(good, data24, 1, 1), F), F, 6, 'version 1.1');
  });

  it('truncated header', () => {
    const whole = npy(good, data24);
    const cut = whole.subarray(0, 40);
    expectFormatError(() => readNpy(cut, F), F, 10, `header declares ${good.length} bytes but only 30 remain`, 'truncated header');
  });

  it('header cap', () => {
    const file = concat(MAGIC, [2, 0], [0, 0, 0, 0x80], new Uint8Array(16));
    expectFormatError(() => readNpy(file, F), F, 8, 'header length 2147483648 exceeds the cap of 1048576 bytes');
    expectFormatError(() => readNpy(npy(good, data24), F, { maxHeaderBytes: 16 }), F, 8, 'exceeds the cap of 16 bytes');
  });

  it('header not a dict', () => {
    expectFormatError(header("['descr', '<f4']\n"), F, 10, "header is not a dict: expected '{'");
    expectFormatError(header('   \n'), F, 14, 'header is not a dict', 'empty header');
    expectFormatError(header(good.replace('}', '} junk')), F, at(good, '}') + 2, 'unexpected content after the dict');
    expectFormatError(header("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)"), F, at(good, '(') + 6 + 0, /expected ',' or '}'|ends inside/);
    expectFormatError(header("{'descr': '<f4, 'fortran_order': False, 'shape': (2, 3)}\n"), F, undefined, /malformed|expected|unexpected/);
    expectFormatError(header("{'descr': '<f4\n', 'fortran_order': False, 'shape': (2,3)}"), F, 10 + 10, 'unterminated string');
    expectFormatError(header("{'descr': __import__('os'), 'fortran_order': False, 'shape': (2,3)}"), F, 10 + 10, 'not a Python literal');
    expectFormatError(header("{'descr' '<f4'}"), F, 10 + 9, "expected ':'");
    expectFormatError(header(`{'descr': ${'('.repeat(40)}`), F, undefined, 'nests deeper than 16 levels');
    expectFormatError(header("{'descr': '\\x41'}"), F, 10 + 11, 'unsupported string escape');
  });

  it('missing, duplicate and unexpected keys', () => {
    const noShape = "{'descr': '<f4', 'fortran_order': False}\n";
    expectFormatError(header(noShape), F, 10, "missing the key 'shape'", "found 'descr', 'fortran_order'");
    expectFormatError(header('{}\n'), F, 10, "missing the key 'descr'", 'found none');
    const dup = "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}";
    expectFormatError(header(dup), F, 10 + dup.indexOf("'descr'", 2), "key 'descr' twice");
    const extra = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'extra': 1}";
    expectFormatError(header(extra), F, at(extra, "'extra'"), "unexpected key 'extra'");
    expectFormatError(header("{1: '<f4'}"), F, 11, 'keys must be strings');
  });

  it('unknown dtype lists the supported ones', () => {
    for (const descr of ['<c8', '<u2', '|f4', '<U3', 'O', '<f4 ', '=f4']) {
      const h = good.replace('<f4', descr);
      expectFormatError(header(h), F, at(h, `'${descr}'`), `unsupported dtype '${descr}'`, "'<f4' (float32)", "'|b1' (bool)", 'big-endian');
    }
    const structured = "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,)}";
    expectFormatError(header(structured), F, at(structured, '['), 'structured dtypes are not supported', "'<f2' (float16)");
  });

  it('fortran_order must be a bool', () => {
    const h = good.replace('False', '0');
    expectFormatError(header(h), F, at(h, '0,'), "'fortran_order' must be True or False, received 0");
  });

  it('negative, non-integer and non-tuple shapes', () => {
    const neg = good.replace('(2, 3)', '(2, -3)');
    expectFormatError(header(neg), F, at(neg, '-3'), 'shape dimension 1 is -3: expected a non-negative integer');
    const frac = good.replace('(2, 3)', '(2.5, 3)');
    expectFormatError(header(frac), F, at(frac, '2.5'), 'shape dimension 0 is 2.5');
    const str = good.replace('(2, 3)', "('2', 3)");
    expectFormatError(header(str), F, at(str, "'2'"), 'shape dimension 0 is the string "2"');
    const list = good.replace('(2, 3)', '[2, 3]');
    expectFormatError(header(list), F, at(list, '[2'), "'shape' must be a tuple", 'a list of 2');
    const paren = good.replace('(2, 3)', '(6)');
    expectFormatError(header(paren), F, at(paren, '6)'), "'shape' must be a tuple", 'received 6');
    const many = good.replace('(2, 3)', `(${'1, '.repeat(65)})`);
    expectFormatError(header(many), F, at(many, '(1'), 'shape has 65 dimensions; at most 64');
    expectFormatError(header(good.replace('(2, 3)', '(2x, 3)')), F, undefined, 'malformed number');
  });

  it('huge dims: unsafe integers, overflowing products, the cap', () => {
    const huge = good.replace('(2, 3)', '(99999999999999999999, 1)');
    expectFormatError(header(huge), F, at(huge, '9999'), 'shape dimension 0 is 99999999999999999999, larger than 9007199254740991');
    const overflow = good.replace('(2, 3)', '(1073741824, 1073741824, 1073741824)');
    expectFormatError(header(overflow), F, 10, 'float32 [1073741824,1073741824,1073741824] needs more than 9007199254740991 bytes');
    const big = good.replace('(2, 3)', '(1099511627776,)');
    expectFormatError(header(big), F, 10, 'needs 4398046511104 bytes, more than the cap of 2147483648 bytes');
    expectFormatError(() => readNpy(npy(good, data24), F, { maxBytes: 16 }), F, 10, 'needs 24 bytes, more than the cap of 16 bytes (option maxBytes)');
    // a zero dimension makes the size 0 whatever the others are
    const zero = good.replace('(2, 3)', '(1073741824, 0, 1073741824)');
    expect(readNpy(npy(zero, []), F).data.length).toBe(0);
  });

  it('truncated data and trailing bytes', () => {
    const whole = writeNpy(tensor('float32', [2, 3]));
    const dataStart = whole.length - 24;
    expectFormatError(() => readNpy(whole.subarray(0, whole.length - 4), F), F, dataStart, 'expected 24 bytes of data for float32 [2,3], received 20', 'truncated data');
    expectFormatError(() => readNpy(whole.subarray(0, dataStart), F), F, dataStart, 'expected 24 bytes of data for float32 [2,3], received 0');
    expectFormatError(() => readNpy(concat(whole, [1, 2, 3, 4]), F), F, dataStart + 24, 'expected 24 bytes of data for float32 [2,3], received 28', '4 trailing bytes');
  });

  it('bool bytes other than 0 and 1', () => {
    const h = "{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }\n";
    expectFormatError(() => readNpy(npy(h, [1, 0, 2]), F), F, 10 + h.length + 2, 'bool element 2 is 0x02: expected 0 or 1');
  });

  it('uses a default file name', () => {
    expectFormatError(() => readNpy(new Uint8Array(0)), '<npy>', 0);
  });

  it('huge tokens fail cleanly (no stack overflow) and are clipped in messages', () => {
    // 900 kB headers need format 2.0 (u32 length; the header starts at byte 12)
    const digits = good.replace('(2, 3)', `(${'7'.repeat(900_000)},)`);
    const e = expectFormatError(() => readNpy(npy(digits, data24, 2), F), F, 12 + digits.indexOf('777'), 'shape dimension 0 is 7777', 'larger than');
    expect(e.message.length).toBeLessThan(300);
    const longStr = good.replace('<f4', 'x'.repeat(900_000));
    expect(expectFormatError(() => readNpy(npy(longStr, data24, 2), F), F, 12 + 10, 'unsupported dtype').message.length).toBeLessThan(400);
  });
});

// ---------------------------------------------------------------------------------------------

describe('safetensors errors name the problem, the file and the byte offset', () => {
  const F = 'bad.safetensors';
  const one = '{"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]}}';
  const buf24 = new Uint8Array(24);
  const read =
    (h: string, buffer: Uint8Array | number[] = buf24) =>
    () =>
      readSafetensors(st(h, buffer), F);

  it('accepts the well-formed base case', () => {
    expect([...readSafetensors(st(one, buf24), F).tensors.get('w')!.shape]).toEqual([2, 3]);
  });

  it('too short for the length field', () => {
    expectFormatError(() => readSafetensors(new Uint8Array(5), F), F, 5, 'ends inside the 8-byte header length');
    expectFormatError(() => readSafetensors(new Uint8Array(0)), '<safetensors>', 0);
  });

  it('header length beyond the cap or the file', () => {
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setBigUint64(0, 2n ** 60n, true);
    expectFormatError(() => readSafetensors(huge, F), F, 0, 'header length 1152921504606846976 exceeds the cap of 100000000 bytes');
    const max = new Uint8Array(16).fill(0xff);
    expectFormatError(() => readSafetensors(max, F), F, 0, 'exceeds the cap');
    expectFormatError(() => readSafetensors(st(one, buf24), F, { maxHeaderBytes: 10 }), F, 0, 'exceeds the cap of 10 bytes');
    const file = st(one, buf24);
    expectFormatError(() => readSafetensors(file.subarray(0, 30), F), F, 8, `header declares ${one.length} bytes but only 22 remain`, 'truncated header');
  });

  it('invalid JSON', () => {
    expectFormatError(read('{"w":{"dtype":"F32",}}'), F, 8 + 20, 'not valid JSON', 'expected a string key');
    expectFormatError(read('{"w" {}}'), F, 8 + 5, "expected ':'");
    expectFormatError(read('{"w":{"dtype":"F32"'), F, undefined, /ends early|expected ',' or '}'/);
    expectFormatError(read('{"w":tru}'), F, 8 + 5, 'not valid JSON');
    expectFormatError(read('{"w":01}'), F, 8 + 6, "expected ',' or '}'");
    expectFormatError(read('{"w":"\\x"}'), F, 8 + 6, 'invalid escape');
    expectFormatError(read('{"w":"a\tb"}'), F, 8 + 7, 'control byte 0x09');
    const badUtf8 = concat(Buffer.from('{"'), [0xc3, 0x28], Buffer.from('":1}'));
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(badUtf8.length));
    expectFormatError(() => readSafetensors(concat(len, badUtf8), F), F, 10, 'not valid UTF-8');
    expectFormatError(read(`{"a":${'['.repeat(100)}`), F, undefined, 'nests deeper than 64 levels');
    expectFormatError(read(`${one} x`), F, 8 + one.length + 1, 'content after the JSON object');
  });

  it('header not an object', () => {
    expectFormatError(read('[1, 2]'), F, 8, "header is not a JSON object: expected '{'");
    expectFormatError(read('        '), F, 16, 'empty header');
  });

  it('unknown dtype lists the supported ones', () => {
    const h = one.replace('F32', 'BF16');
    expectFormatError(read(h), F, stOffset(h, '"BF16"'), "tensor 'w': unsupported dtype 'BF16'; supported: F32, F16, F64, I32, I64, U8, BOOL");
    const proto = one.replace('"F32"', '"toString"');
    expectFormatError(read(proto), F, stOffset(proto, '"toString"'), "unsupported dtype 'toString'");
    const num = one.replace('"F32"', '4');
    expectFormatError(read(num), F, stOffset(num, '4,'), 'dtype must be a string');
  });

  it('missing fields and bad entries', () => {
    const h = '{"w":{"dtype":"F32","shape":[2,3]}}';
    expectFormatError(read(h), F, stOffset(h, '{"dtype'), "tensor 'w' is missing 'data_offsets'");
    expectFormatError(read('{"w":[1]}', []), F, 13, "tensor 'w': expected an object");
    const short = one.replace('[0,24]', '[0]');
    expectFormatError(read(short), F, stOffset(short, '[0]'), 'data_offsets must be [begin, end]');
  });

  it('bad shapes and offsets', () => {
    for (const [dim, shown] of [
      ['-2', '-2'],
      ['2.0', '2.0'],
      ['"2"', '"2"'],
      ['2e0', '2e0'],
      ['null', 'null'],
    ] as const) {
      const h = one.replace('[2,3]', `[${dim},3]`);
      expectFormatError(read(h), F, stOffset(h, `[${dim}`) + 1, `shape dimension 0 is ${shown}: expected a non-negative integer`);
    }
    const huge = one.replace('[2,3]', '[99999999999999999999]');
    expectFormatError(read(huge), F, stOffset(huge, '9999'), 'larger than 9007199254740991');
    const overflow = one.replace('[2,3]', '[1073741824,1073741824,1073741824]');
    expectFormatError(read(overflow), F, stOffset(overflow, '[1073741824'), 'needs more than 9007199254740991 bytes');
    const negOffset = one.replace('[0,24]', '[-1,24]');
    expectFormatError(read(negOffset), F, stOffset(negOffset, '-1'), 'data_offsets[0] is -1');
    const floatOffset = one.replace('[0,24]', '[0,24.0]');
    expectFormatError(read(floatOffset), F, stOffset(floatOffset, '24.0'), 'data_offsets[1] is 24.0');
    const backwards = one.replace('[0,24]', '[24,0]');
    expectFormatError(read(backwards), F, stOffset(backwards, '[24,0]'), 'end before they begin');
  });

  it('offsets beyond the buffer', () => {
    expectFormatError(read(one, new Uint8Array(20)), F, stOffset(one, '[0,24]'), 'data_offsets [0, 24] reach past the end of the 20-byte data buffer');
  });

  it('byte length must match the shape', () => {
    const h = one.replace('[0,24]', '[0,20]');
    expectFormatError(read(h, new Uint8Array(20)), F, stOffset(h, '[0,20]'), "tensor 'w': expected 24 bytes of data for float32 [2,3], but data_offsets [0, 20] hold 20");
  });

  it('overlapping entries', () => {
    const h = '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}';
    expectFormatError(read(h, new Uint8Array(12)), F, stOffset(h, '[4,12]'), "tensor 'b': data_offsets [4, 12] overlap the previous tensor's data (which ends at 8)");
    const same = '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
    expectFormatError(read(same, new Uint8Array(8)), F, 8 + same.lastIndexOf('[0,8]'), 'overlap');
  });

  it('gaps and trailing bytes in the buffer', () => {
    const gap = '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[12,20]}}';
    expectFormatError(read(gap, new Uint8Array(20)), F, 8 + gap.length + 8, 'data buffer has 4 bytes [8, 12) that no tensor covers');
    const late = one.replace('[0,24]', '[4,28]');
    expectFormatError(read(late, new Uint8Array(28)), F, 8 + late.length, 'data buffer has 4 bytes [0, 4)');
    expectFormatError(read(one, new Uint8Array(30)), F, 8 + one.length + 24, 'data buffer is 30 bytes but the tensors cover 24 (6 trailing bytes)');
    expectFormatError(read('{}', [1]), F, 8 + 2, '1 trailing bytes');
  });

  it('duplicate names', () => {
    const h = '{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}';
    expectFormatError(read(h, [1, 2]), F, stOffset(h, '"a"', 5), 'header has the key "a" twice');
  });

  it('metadata must be an object of strings', () => {
    const h = '{"__metadata__":{"k":1},"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]}}';
    expectFormatError(read(h), F, stOffset(h, '1}'), '__metadata__ value for "k" must be a string, received 1');
    const arr = '{"__metadata__":[]}';
    expectFormatError(read(arr, []), F, stOffset(arr, '[]'), '__metadata__ must be an object of strings');
    expect(readSafetensors(st('{"__metadata__":null}'), F).metadata).toEqual({});
  });

  it('huge tokens fail cleanly (no stack overflow) and are clipped in messages', () => {
    const h = one.replace('[2,3]', `[${'9'.repeat(2_000_000)}]`);
    expect(expectFormatError(read(h), F, stOffset(h, '999'), 'larger than').message.length).toBeLessThan(300);
    const name = 'n'.repeat(1_000_000);
    const h2 = `{"${name}":{"dtype":"X","shape":[],"data_offsets":[0,0]}}`;
    expect(expectFormatError(read(h2, []), F, stOffset(h2, '"X"'), "unsupported dtype 'X'").message.length).toBeLessThan(300);
  });

  it('bool bytes other than 0 and 1', () => {
    const h = '{"m":{"dtype":"BOOL","shape":[2],"data_offsets":[0,2]}}';
    expectFormatError(read(h, [1, 9]), F, 8 + h.length + 1, "tensor 'm': bool element 1 is 0x09");
  });
});

// ---------------------------------------------------------------------------------------------

describe('fuzz: truncation and byte flips throw only FileFormatError', () => {
  const npyFiles: [string, Uint8Array][] = [
    ['writeNpy f32', writeNpy(tensor('float32', [2, 3], [1, 2, 3, 4, 5, 6]))],
    ['writeNpy bool', writeNpy(tensor('bool', [4], [1, 0, 1, 0]))],
    ['writeNpy i64 scalar', writeNpy(tensor('int64', [], [5]))],
    ...['f4-fortran-2x3x4.npy', 'f4-v2-2x2.npy', 'f4-v3-3.npy', 'i4-3-be.npy', 'f2-6.npy'].map((f) => [f, new Uint8Array(fs.readFileSync(path.join(FIXTURES, f)))] as [string, Uint8Array]),
  ];
  const stFiles: [string, Uint8Array][] = [
    ['writeSafetensors sample', writeSafetensors(sampleTensors(), { a: 'b' })],
    ...['mixed.safetensors', 'reversed.safetensors'].map((f) => [f, new Uint8Array(fs.readFileSync(path.join(FIXTURES, f)))] as [string, Uint8Array]),
  ];

  function onlyFormatErrors(read: (b: Uint8Array) => unknown, bytes: Uint8Array, mustThrow: boolean, what: string): void {
    let err: unknown;
    try {
      read(bytes);
    } catch (e) {
      err = e;
    }
    if (err === undefined && mustThrow) throw new Error(`${what}: expected a FileFormatError, nothing thrown`);
    if (err !== undefined && !(err instanceof FileFormatError)) {
      throw new Error(`${what}: expected only FileFormatError, received ${String(err)}`);
    }
    if (err instanceof FileFormatError) expect(err.message).toMatch(/^fuzz/);
  }

  const readers = {
    npy: (b: Uint8Array) => readNpy(b, 'fuzz'),
    safetensors: (b: Uint8Array) => readSafetensors(b, 'fuzz'),
  };

  it.each([...npyFiles.map(([n, b]) => ['npy', n, b] as const), ...stFiles.map(([n, b]) => ['safetensors', n, b] as const)])('%s %s: every truncation throws FileFormatError', (kind, name, bytes) => {
    for (let n = 0; n < bytes.length; n++) onlyFormatErrors(readers[kind], bytes.subarray(0, n), true, `${name} cut at ${n}`);
  });

  it.each([...npyFiles.map(([n, b]) => ['npy', n, b] as const), ...stFiles.map(([n, b]) => ['safetensors', n, b] as const)])('%s %s: random byte flips (seeded) throw nothing but FileFormatError', (kind, name, bytes) => {
    const random = seededRandom(0x5eed + bytes.length);
    for (let iter = 0; iter < 1500; iter++) {
      const copy = bytes.slice();
      const flips = 1 + Math.floor(random() * 3);
      // bias towards the header, where the parsing happens
      const headerish = Math.min(copy.length, 160);
      for (let k = 0; k < flips; k++) {
        const at = Math.floor(random() * (random() < 0.8 ? headerish : copy.length));
        copy[at] = random() < 0.5 ? copy[at]! ^ (1 << Math.floor(random() * 8)) : Math.floor(random() * 256);
      }
      onlyFormatErrors(readers[kind], copy, false, `${name} iteration ${iter}`);
    }
  });

  it('random garbage throws only FileFormatError', () => {
    const random = seededRandom(42);
    for (let iter = 0; iter < 2000; iter++) {
      const n = Math.floor(random() * 64);
      const bytes = Uint8Array.from({ length: n }, () => Math.floor(random() * 256));
      if (iter % 2 === 0 && n >= 8) bytes.set(MAGIC, 0);
      onlyFormatErrors(readers.npy, bytes, false, `npy garbage ${iter}`);
      onlyFormatErrors(readers.safetensors, bytes, false, `safetensors garbage ${iter}`);
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('node helpers', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skipconn-io-'));
  });
  afterEach(() => {
    jest.restoreAllMocks();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('readFileChecked', () => {
    it('reads bytes', () => {
      fs.writeFileSync(path.join(dir, 'a.bin'), Buffer.from([1, 2, 3]));
      const b = readFileChecked(path.join(dir, 'a.bin'));
      expect(b).toBeInstanceOf(Uint8Array);
      expect(Array.from(b)).toEqual([1, 2, 3]);
    });

    it('missing files and directories are FILE_IO errors naming the path', () => {
      const missing = path.join(dir, 'nope.npy');
      const e = expectSkipconnError(() => readFileChecked(missing), 'FILE_IO', missing, 'no such file or directory (ENOENT)');
      expect(e).not.toHaveProperty('errno');
      expectSkipconnError(() => readFileChecked(dir), 'FILE_IO', dir, 'is a directory');
    });

    it('caps the size before reading', () => {
      fs.writeFileSync(path.join(dir, 'big.bin'), Buffer.alloc(100));
      expectFormatError(() => readFileChecked(path.join(dir, 'big.bin'), { maxBytes: 10 }), path.join(dir, 'big.bin'), undefined, 'file is 100 bytes, more than the cap of 10 bytes');
    });
  });

  describe('writeFileAtomic', () => {
    it('writeFileSetAtomic into a folder it may not write is a FILE_IO error naming the folder (read-only folders)', () => {
      const out = path.join(dir, 'ro');
      jest.spyOn(realFs, 'mkdirSync').mockImplementation(() => {
        throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
      });
      expectSkipconnError(() => writeFileSetAtomic(out, [{ name: 'y.npy', data: new Uint8Array([1]) }]), 'FILE_IO', out, 'permission denied (EACCES)');
      jest.restoreAllMocks();
      expect(fs.readdirSync(dir)).toEqual([]);
    });

    it('writeFileSetAtomic: a write that fails halfway leaves the old set whole, no temporaries and no new folders', () => {
      fs.writeFileSync(path.join(dir, 'y.npy'), 'old y');
      fs.writeFileSync(path.join(dir, 'z.npy'), 'old z');
      const real = realFs.writeSync;
      let calls = 0;
      jest.spyOn(realFs, 'writeSync').mockImplementation(((...args: Parameters<typeof real>) => {
        if (++calls === 2) throw Object.assign(new Error('disk full'), { code: 'ENOSPC' });
        return real(...args);
      }) as typeof real);
      let err: unknown;
      try {
        writeFileSetAtomic(dir, [
          { name: 'y.npy', data: new TextEncoder().encode('new y') },
          { name: 'z.npy', data: new TextEncoder().encode('new z') },
        ]);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(SkipconnError);
      expect((err as SkipconnError).message).toContain('no space left on the device (ENOSPC)');
      expect(fs.readdirSync(dir).sort()).toEqual(['y.npy', 'z.npy']);
      expect(fs.readFileSync(path.join(dir, 'y.npy'), 'utf8')).toBe('old y');
      expect(fs.readFileSync(path.join(dir, 'z.npy'), 'utf8')).toBe('old z');

      calls = 0;
      const fresh = path.join(dir, 'new', 'deeper', 'out');
      expect(() =>
        writeFileSetAtomic(fresh, [
          { name: 'a.npy', data: new TextEncoder().encode('a') },
          { name: 'b.npy', data: new TextEncoder().encode('b') },
        ]),
      ).toThrow(SkipconnError);
      expect(fs.existsSync(path.join(dir, 'new'))).toBe(false);
    });

    it('writes bytes and text and leaves no temp file', () => {
      const target = path.join(dir, 'out.bin');
      writeFileAtomic(target, new Uint8Array([9, 8, 7]));
      expect([...fs.readFileSync(target)]).toEqual([9, 8, 7]);
      writeFileAtomic(target, 'héllo\n');
      expect(fs.readFileSync(target, 'utf8')).toBe('héllo\n');
      expect(fs.readdirSync(dir)).toEqual(['out.bin']);
    });

    it('fails cleanly into a directory that does not exist', () => {
      const target = path.join(dir, 'missing', 'out.bin');
      expectSkipconnError(() => writeFileAtomic(target, 'x'), 'FILE_IO', target, 'ENOENT');
      expect(fs.readdirSync(dir)).toEqual([]);
    });

    it('refuses to replace a directory', () => {
      fs.mkdirSync(path.join(dir, 'sub'));
      expectSkipconnError(() => writeFileAtomic(path.join(dir, 'sub'), 'x'), 'FILE_IO', 'is a directory');
      expect(fs.readdirSync(dir)).toEqual(['sub']);
    });

    it.each(['writeSync', 'fsyncSync', 'renameSync'] as const)('a failing %s leaves the existing file intact and no temp file', (fn) => {
      const target = path.join(dir, 'keep.txt');
      fs.writeFileSync(target, 'old contents');
      jest.spyOn(realFs, fn).mockImplementation(() => {
        throw Object.assign(new Error(`${fn} failed`), { code: 'ENOSPC' });
      });
      expectSkipconnError(() => writeFileAtomic(target, 'new contents that must not appear'), 'FILE_IO', target, 'no space left on the device (ENOSPC)');
      jest.restoreAllMocks();
      expect(fs.readFileSync(target, 'utf8')).toBe('old contents');
      expect(fs.readdirSync(dir)).toEqual(['keep.txt']);
    });

    it('keeps the mode of the file it replaces', () => {
      if (process.platform === 'win32') return;
      const target = path.join(dir, 'mode.txt');
      fs.writeFileSync(target, 'a');
      fs.chmodSync(target, 0o640);
      writeFileAtomic(target, 'b');
      expect(fs.statSync(target).mode & 0o777).toBe(0o640);
    });
  });

  describe('npy files', () => {
    it('round-trip through the file system', () => {
      const t = tensor('float16', [2, 2], f16([1, -0, NaN, Infinity]));
      const file = path.join(dir, 't.npy');
      writeNpyFile(file, t);
      expectSameTensor(readNpyFile(file), t);
      expect(fs.readdirSync(dir)).toEqual(['t.npy']);
    });

    it('errors name the path', () => {
      const file = path.join(dir, 'junk.npy');
      fs.writeFileSync(file, 'not numpy');
      expectFormatError(() => readNpyFile(file), file, 0, 'not an .npy file');
    });
  });

  describe('graph files', () => {
    function build(weightsFile?: string) {
      const b = new GraphBuilder('io-test');
      const x = b.input('x', [1, 4]);
      const w = b.weight('w', tensor('float32', [1, 4], [1, -2, NaN, -0]));
      const c = b.weight('c', tensor('float32', [1, 4], [0.5, 0.5, 0.5, 0.5]));
      b.output(b.node('add', [b.node('add', [x, w], {}, 'add1'), c], {}, 'add2'));
      return b.build(weightsFile === undefined ? {} : { inlineWeights: false, weightsFile });
    }

    it('inline weights round-trip', () => {
      const { graph, weights } = build();
      const file = path.join(dir, 'g.json');
      saveGraphFile(file, graph);
      const loaded = loadGraphFile(file);
      expect(serializeGraph(loaded.graph)).toBe(serializeGraph(graph));
      expect(fs.readFileSync(file, 'utf8')).toBe(serializeGraph(graph));
      for (const [name, t] of weights) expectSameTensor(loaded.weights.get(name), t);
      expect(loaded.validated.nodes.length).toBe(2);
    });

    it('weights in a safetensors file next to the graph', () => {
      const { graph, weights } = build('weights/g.safetensors');
      fs.mkdirSync(path.join(dir, 'weights'));
      const file = path.join(dir, 'g.json');
      saveGraphFile(file, graph, weights);
      expect(fs.readdirSync(dir).sort()).toEqual(['g.json', 'weights']);
      expect(fs.readdirSync(path.join(dir, 'weights'))).toEqual(['g.safetensors']);
      const loaded = loadGraphFile(file);
      for (const [name, t] of weights) expectSameTensor(loaded.weights.get(name), t);
      // deterministic: saving again writes identical bytes
      const before = fs.readFileSync(path.join(dir, 'weights', 'g.safetensors'));
      saveGraphFile(file, loaded.graph, loaded.weights);
      expect(fs.readFileSync(path.join(dir, 'weights', 'g.safetensors')).equals(before)).toBe(true);
    });

    it('refuses weights that do not match the graph when saving', () => {
      const { graph } = build('g.safetensors');
      const file = path.join(dir, 'g.json');
      const wrong = new Map([
        ['w', tensor('float32', [4], [1, 2, 3, 4])],
        ['c', tensor('float32', [1, 4])],
      ]);
      expectSkipconnError(() => saveGraphFile(file, graph, wrong), 'GRAPH_INVALID', "weight 'w'");
      expect(fs.readdirSync(dir)).toEqual([]);
    });

    it('a missing weights file is a FILE_IO error naming it', () => {
      const { graph } = build('g.safetensors');
      const file = path.join(dir, 'g.json');
      saveGraphFile(file, graph);
      expectSkipconnError(() => loadGraphFile(file), 'FILE_IO', path.join(dir, 'g.safetensors'), 'ENOENT');
    });

    it('a corrupt weights file is a FileFormatError naming it', () => {
      const { graph, weights } = build('g.safetensors');
      const file = path.join(dir, 'g.json');
      saveGraphFile(file, graph, weights);
      const wpath = path.join(dir, 'g.safetensors');
      const bytes = fs.readFileSync(wpath);
      fs.writeFileSync(wpath, bytes.subarray(0, bytes.length - 1));
      expectFormatError(() => loadGraphFile(file), wpath, undefined, 'reach past the end');
    });

    it.each([
      ['../outside.safetensors', "no '..'"],
      ['a/../../outside.safetensors', "no '..'"],
      ['..\\outside.safetensors', "no '..'"],
      ['/etc/passwd', 'not absolute'],
      ['C:\\weights.safetensors', 'not absolute'],
      ['\\\\server\\share\\w.safetensors', 'not absolute'],
      ['', 'non-empty relative path'],
      ['.', "inside the graph's folder"],
    ])('refuses weightsFile %j', (weightsFile, reason) => {
      const { graph, weights } = build('ok.safetensors');
      const bad = { ...graph, weightsFile };
      const file = path.join(dir, 'g.json');
      fs.writeFileSync(file, serializeGraph(bad));
      expectSkipconnError(() => loadGraphFile(file), 'GRAPH_INVALID', reason);
      expectSkipconnError(() => saveGraphFile(path.join(dir, 'h.json'), bad, weights), 'GRAPH_INVALID', reason);
      expect(fs.existsSync(path.join(dir, 'h.json'))).toBe(false);
    });

    it('refuses a weights symlink that leads out of the folder', () => {
      if (process.platform === 'win32') return;
      const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'skipconn-out-'));
      try {
        const { graph, weights } = build('w.safetensors');
        fs.writeFileSync(path.join(outside, 'w.safetensors'), writeSafetensors(weights));
        fs.symlinkSync(path.join(outside, 'w.safetensors'), path.join(dir, 'w.safetensors'));
        const file = path.join(dir, 'g.json');
        fs.writeFileSync(file, serializeGraph(graph));
        expectSkipconnError(() => loadGraphFile(file), 'GRAPH_INVALID', 'symbolic link that leads out');
        // a symlink that stays inside is fine
        fs.unlinkSync(path.join(dir, 'w.safetensors'));
        fs.writeFileSync(path.join(dir, 'real.safetensors'), writeSafetensors(weights));
        fs.symlinkSync('real.safetensors', path.join(dir, 'w.safetensors'));
        expect(loadGraphFile(file).weights.size).toBe(2);
      } finally {
        fs.rmSync(outside, { recursive: true, force: true });
      }
    });

    it('resolves weights relative to the graph file, not the working directory', () => {
      expect(resolveWeightsPath(path.join(dir, 'g.json'), 'sub/w.safetensors')).toBe(path.join(dir, 'sub', 'w.safetensors'));
    });

    it('a missing graph file and invalid JSON', () => {
      const missing = path.join(dir, 'none.json');
      expectSkipconnError(() => loadGraphFile(missing), 'FILE_IO', missing);
      const broken = path.join(dir, 'broken.json');
      fs.writeFileSync(broken, '{"format": ');
      expectFormatError(() => loadGraphFile(broken), broken, undefined, 'truncated');
      const binary = path.join(dir, 'binary.json');
      fs.writeFileSync(binary, Buffer.from([0x7b, 0xff, 0xfe]));
      expectFormatError(() => loadGraphFile(binary), binary, undefined, 'not valid UTF-8');
    });
  });
});

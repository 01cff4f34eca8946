/**
 * Host tensors: the one data format every package and adapter exchanges.
 * Row-major, dense, shape-checked. Adapters convert only at their boundary.
 */

export type DType = 'float32' | 'float16' | 'float64' | 'int32' | 'int64' | 'uint8' | 'bool';

export const DTYPES: readonly DType[] = ['float32', 'float16', 'float64', 'int32', 'int64', 'uint8', 'bool'];

/** Storage for each dtype. float16 is stored as raw IEEE half bits in a Uint16Array. */
export interface DTypeStorage {
  float32: Float32Array;
  float16: Uint16Array;
  float64: Float64Array;
  int32: Int32Array;
  int64: BigInt64Array;
  uint8: Uint8Array;
  bool: Uint8Array;
}

export type TypedArray = DTypeStorage[DType];

export interface HostTensor<D extends DType = DType> {
  readonly dtype: D;
  readonly shape: readonly number[];
  readonly data: DTypeStorage[D];
}

export const BYTES_PER_ELEMENT: Record<DType, number> = {
  float32: 4,
  float16: 2,
  float64: 8,
  int32: 4,
  int64: 8,
  uint8: 1,
  bool: 1,
};

export function isFloatDType(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float16' || dtype === 'float64';
}

export function isDType(value: unknown): value is DType {
  return typeof value === 'string' && (DTYPES as readonly string[]).includes(value);
}

/** Number of elements of a shape; 1 for a scalar shape []. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides, in elements. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

/**
 * Copies row-major `src` of `shape` into `dst` transposed by `perm`: output axis a is input axis
 * perm[a] (NumPy). Works on any element type, so each caller keeps its own storage (a dtype's
 * raw storage, float64 numbers, float32); `dst` has the output's size.
 */
/** A [rows, cols] matrix transposed in tiles, so that both the reads and the writes stay in cache. */
function transposeMatrixInto<T>(src: ArrayLike<T>, rows: number, cols: number, dst: { [index: number]: T }): void {
  const TILE = 32;
  for (let r0 = 0; r0 < rows; r0 += TILE) {
    const r1 = Math.min(rows, r0 + TILE);
    for (let c0 = 0; c0 < cols; c0 += TILE) {
      const c1 = Math.min(cols, c0 + TILE);
      for (let r = r0; r < r1; r++) {
        for (let c = c0; c < c1; c++) dst[c * rows + r] = src[r * cols + c]!;
      }
    }
  }
}

export function transposeInto<T>(src: ArrayLike<T>, shape: readonly number[], perm: readonly number[], dst: { [index: number]: T; readonly length: number }): void {
  const rank = shape.length;
  const outShape = perm.map((a) => shape[a]!);
  if (rank === 2 && perm[0] === 1 && perm[1] === 0) {
    transposeMatrixInto(src, shape[0]!, shape[1]!, dst);
    return;
  }
  const strides = stridesOf(shape);
  // The source stride of each output axis; the source offset is kept up to date as the output
  // index counts up (an odometer), so each element costs a step, not a sum over the axes.
  const step = perm.map((a) => strides[a]!);
  const index = new Array<number>(rank).fill(0);
  let off = 0;
  for (let o = 0; o < dst.length; o++) {
    dst[o] = src[off]!;
    for (let a = rank - 1; a >= 0; a--) {
      off += step[a]!;
      if (++index[a]! < outShape[a]!) break;
      off -= step[a]! * outShape[a]!;
      index[a] = 0;
    }
  }
}

export function formatShape(shape: readonly number[] | undefined): string {
  return shape === undefined ? '<unknown>' : `[${shape.join(',')}]`;
}

export function shapesEqual(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function allocate<D extends DType>(dtype: D, size: number): DTypeStorage[D] {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size) as DTypeStorage[D];
    case 'float16':
      return new Uint16Array(size) as DTypeStorage[D];
    case 'float64':
      return new Float64Array(size) as DTypeStorage[D];
    case 'int32':
      return new Int32Array(size) as DTypeStorage[D];
    case 'int64':
      return new BigInt64Array(size) as DTypeStorage[D];
    case 'uint8':
    case 'bool':
      return new Uint8Array(size) as DTypeStorage[D];
    default:
      throw new TypeError(`unknown dtype '${String(dtype)}'`);
  }
}

/** Builds a tensor and checks that data length matches the shape. */
export function tensor<D extends DType>(dtype: D, shape: readonly number[], data?: DTypeStorage[D] | ArrayLike<number>): HostTensor<D> {
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new RangeError(`invalid shape ${formatShape(shape)}: dimensions must be non-negative integers`);
  }
  const size = sizeOf(shape);
  let storage: DTypeStorage[D];
  if (data === undefined) {
    storage = allocate(dtype, size);
  } else if (ArrayBuffer.isView(data) && storageMatches(dtype, data)) {
    storage = data as DTypeStorage[D];
  } else {
    storage = allocate(dtype, size);
    writeNumbers(storage as TypedArray, dtype, data as ArrayLike<number>);
  }
  if (storage.length !== size) {
    throw new RangeError(`tensor data has ${storage.length} elements but shape ${formatShape(shape)} needs ${size}`);
  }
  return { dtype, shape: [...shape], data: storage };
}

/** Whether `data` is the typed array that stores `dtype` (Uint16Array for float16, Uint8Array for uint8 and bool). */
export function storageMatches(dtype: DType, data: unknown): boolean {
  switch (dtype) {
    case 'float32':
      return data instanceof Float32Array;
    case 'float16':
      return data instanceof Uint16Array;
    case 'float64':
      return data instanceof Float64Array;
    case 'int32':
      return data instanceof Int32Array;
    case 'int64':
      return data instanceof BigInt64Array;
    default:
      return data instanceof Uint8Array;
  }
}

function writeNumbers(target: TypedArray, dtype: DType, values: ArrayLike<number>): void {
  if (values.length !== target.length) {
    throw new RangeError(`expected ${target.length} values, received ${values.length}`);
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (dtype === 'int64') (target as BigInt64Array)[i] = BigInt(Math.trunc(v));
    else if (dtype === 'float16') (target as Uint16Array)[i] = float32ToFloat16Bits(v);
    else (target as Float32Array)[i] = v;
  }
}

/** Reads any tensor as float64 numbers (int64 through Number, float16 decoded). */
export function toFloat64(t: HostTensor): Float64Array {
  const out = new Float64Array(t.data.length);
  if (t.dtype === 'int64') {
    const d = t.data as BigInt64Array;
    for (let i = 0; i < d.length; i++) out[i] = Number(d[i]!);
  } else if (t.dtype === 'float16') {
    const d = t.data as Uint16Array;
    for (let i = 0; i < d.length; i++) out[i] = float16BitsToNumber(d[i]!);
  } else {
    out.set(t.data as Float32Array);
  }
  return out;
}

/** A tensor's values as float32: the data itself when it is float32, decoded (or rounded) otherwise. */
export function float32Values(t: HostTensor): Float32Array {
  return t.data instanceof Float32Array ? t.data : Float32Array.from(toFloat64(t));
}

/** Converts float64 numbers into a tensor of the given dtype (rounding as the dtype demands). */
export function fromFloat64<D extends DType>(dtype: D, shape: readonly number[], values: Float64Array): HostTensor<D> {
  if (dtype === 'float64') return tensor(dtype, shape, values as DTypeStorage[D]);
  return tensor(dtype, shape, Array.from(values));
}

export function cast<D extends DType>(t: HostTensor, dtype: D): HostTensor<D> {
  if (t.dtype === dtype) return t as HostTensor<D>;
  return fromFloat64(dtype, t.shape, toFloat64(t));
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE 754 binary32 -> binary16 bits, round to nearest even; NaN, Inf and -0 preserved. */
export function float32ToFloat16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++;
  return sign | half;
}

export function float16BitsToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >>> 10) & 0x1f;
  const mant = bits & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** Host-side float32 and int32 arrays with shapes: the weight re-layouts done once at export and import. */
import { sizeOf, float32Values, tensor, transposeInto, type HostTensor } from '@skipconn/core';

export interface F32 {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** Exact int32 values (index tables, int32 divisors): never routed through float32, which is exact only below 2^24. */
export interface I32 {
  readonly shape: readonly number[];
  readonly data: Int32Array;
}

/** A host tensor as float32 (float16 and float64 are converted; NaN and infinities kept). */
export function f32(t: HostTensor): F32 {
  return { shape: [...t.shape], data: float32Values(t) };
}

/** transpose: output axis a is input axis perm[a] (NumPy); int32 arrays stay int32. */
export function transposeF32<T extends F32 | I32>(t: T, perm: readonly number[]): T {
  const out = t.data instanceof Int32Array ? new Int32Array(t.data.length) : new Float32Array(t.data.length);
  transposeInto(t.data, t.shape, perm, out);
  return { shape: perm.map((a) => t.shape[a]!), data: out } as unknown as T;
}

/**
 * A host tensor transposed: e.g. NCHW feeds for a model exported with layout 'NHWC'. int32
 * tensors stay int32 (exact); every other dtype is read as float32, as tfjs runs it.
 */
export function transposeHostTensor(t: HostTensor, perm: readonly number[]): HostTensor {
  if (t.dtype === 'int32') {
    const out = transposeF32({ shape: t.shape, data: t.data as Int32Array }, perm);
    return tensor('int32', out.shape, out.data);
  }
  const out = transposeF32(f32(t), perm);
  return tensor('float32', out.shape, out.data);
}

export function reshapeF32<T extends F32 | I32>(t: T, shape: readonly number[]): T {
  if (sizeOf(shape) !== t.data.length) throw new RangeError(`cannot reshape ${t.data.length} values to [${shape.join(',')}]`);
  return { shape: [...shape], data: t.data } as unknown as T;
}

/**
 * Inserts (dilation - 1) zeros between the taps of a [kH, kW, ...] kernel, so that a dilated
 * kernel runs as a plain one: the effective size is dilation * (k - 1) + 1.
 */
export function dilateKernel(t: F32, dilations: readonly [number, number]): F32 {
  const [kh, kw, ...rest] = t.shape as [number, number, ...number[]];
  const [dh, dw] = dilations;
  if (dh === 1 && dw === 1) return t;
  const eh = dh * (kh - 1) + 1;
  const ew = dw * (kw - 1) + 1;
  const inner = sizeOf(rest);
  const out = new Float32Array(eh * ew * inner);
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      out.set(t.data.subarray((i * kw + j) * inner, (i * kw + j + 1) * inner), (i * dh * ew + j * dw) * inner);
    }
  }
  return { shape: [eh, ew, ...rest], data: out };
}

/**
 * A block-diagonal [kH, kW, I, O] kernel from per-group kernels: group g maps input channels
 * [g*I/G, (g+1)*I/G) to output channels [g*O/G, (g+1)*O/G); every other entry is 0. A grouped
 * convolution is then one standard convolution (exact: the zeros add nothing for finite inputs).
 * `tap(g, kh, kw, i, o)` reads group g's weight for local input i and local output o.
 */
export function blockDiagonal(kh: number, kw: number, inC: number, outC: number, groups: number, tap: (g: number, h: number, w: number, i: number, o: number) => number): F32 {
  const ig = inC / groups;
  const og = outC / groups;
  const data = new Float32Array(kh * kw * inC * outC);
  for (let h = 0; h < kh; h++) {
    for (let w = 0; w < kw; w++) {
      for (let g = 0; g < groups; g++) {
        for (let i = 0; i < ig; i++) {
          for (let o = 0; o < og; o++) {
            data[((h * kw + w) * inC + g * ig + i) * outC + g * og + o] = tap(g, h, w, i, o);
          }
        }
      }
    }
  }
  return { shape: [kh, kw, inC, outC], data };
}

/**
 * HostTensor <-> onnxruntime-web Tensor, at the adapter boundary only. float16 travels as raw
 * half bits in a Uint16Array on both sides, bool as a Uint8Array of 0/1.
 *
 * onnxruntime-common checks tensor data with `instanceof` against the typed-array constructors
 * of the realm it was loaded in. In Node under jest the runtime is loaded in the outer realm
 * (see node/runtime.ts) while our tensors come from the test's realm, so every typed array that
 * crosses into the runtime is re-viewed (no copy) with the runtime's own constructors. In a
 * browser or a plain Node process the two realms are the same and the views are free.
 */
import type * as ort from 'onnxruntime-web';
import { SkipconnError, type DType, type HostTensor } from '@skipconn/core';

type Runtime = typeof ort;
type ViewConstructor = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => ArrayBufferView;

const ORT_TYPE: Record<DType, ort.Tensor.Type> = {
  float32: 'float32',
  float16: 'float16',
  float64: 'float64',
  int32: 'int32',
  int64: 'int64',
  uint8: 'uint8',
  bool: 'bool',
};

/** The ort element type whose plain-array constructor reveals the realm's typed array for a dtype. */
const PROBE_TYPE: Record<DType, ort.Tensor.Type> = { ...ORT_TYPE, float16: 'uint16' };

const realms = new WeakMap<Runtime, Map<DType, ViewConstructor>>();

/** The runtime realm's typed-array constructor for a dtype (found once by letting ort build a tiny tensor). */
function realmConstructor(runtime: Runtime, dtype: DType): ViewConstructor {
  let byType = realms.get(runtime);
  if (byType === undefined) {
    byType = new Map();
    realms.set(runtime, byType);
  }
  let ctor = byType.get(dtype);
  if (ctor === undefined) {
    const probe = new runtime.Tensor(PROBE_TYPE[dtype], dtype === 'bool' ? [false] : [0], [1]);
    ctor = (probe.data as ArrayBufferView).constructor as ViewConstructor;
    byType.set(dtype, ctor);
  }
  return ctor;
}

/** A view of `bytes` made with the runtime realm's Uint8Array (what InferenceSession.create accepts). */
export function runtimeBytes(runtime: Runtime, bytes: Uint8Array): Uint8Array {
  const U8 = realmConstructor(runtime, 'uint8');
  return bytes instanceof U8 ? bytes : (new U8(bytes.buffer, bytes.byteOffset, bytes.byteLength) as Uint8Array);
}

export function toOrt(runtime: Runtime, t: HostTensor): ort.Tensor {
  const source = t.dtype === 'bool' ? Uint8Array.from(t.data as Uint8Array, (v) => (v ? 1 : 0)) : t.data;
  const Ctor = realmConstructor(runtime, t.dtype);
  const data = source instanceof Ctor ? source : new Ctor(source.buffer, source.byteOffset, source.length);
  return new runtime.Tensor(ORT_TYPE[t.dtype], data as never, [...t.shape]);
}

/** Copies an ort output into a HostTensor of this realm (the runtime may reuse its buffers). */
export function fromOrt(t: ort.Tensor, name: string): HostTensor {
  const shape = [...t.dims];
  switch (t.type) {
    case 'float32': return { dtype: 'float32', shape, data: Float32Array.from(t.data as Float32Array) };
    case 'float64': return { dtype: 'float64', shape, data: Float64Array.from(t.data as Float64Array) };
    case 'int32': return { dtype: 'int32', shape, data: Int32Array.from(t.data as Int32Array) };
    case 'int64': return { dtype: 'int64', shape, data: BigInt64Array.from(t.data as BigInt64Array) };
    case 'uint8': return { dtype: 'uint8', shape, data: Uint8Array.from(t.data as Uint8Array) };
    case 'bool': return { dtype: 'bool', shape, data: Uint8Array.from(t.data as ArrayLike<number>, (v) => (v ? 1 : 0)) };
    case 'float16': {
      // A Float16Array where the platform has one, raw bits in a Uint16Array otherwise: keep the bits.
      const d = t.data as unknown as ArrayBufferView & { length: number };
      return { dtype: 'float16', shape, data: new Uint16Array(d.buffer.slice(d.byteOffset, d.byteOffset + d.length * 2)) };
    }
    default:
      throw new SkipconnError('UNSUPPORTED', `output '${name}': onnxruntime-web returned element type ${t.type}, which skipconn tensors cannot hold`);
  }
}

/**
 * HostTensor <-> onnxruntime Tensor, at an ort adapter's boundary only. float16 travels as raw
 * half bits in a Uint16Array on both sides, bool as a Uint8Array of 0/1.
 */
import { SkipconnError, type DType, type HostTensor } from '@skipconn/core';
import type { OrtElementType, OrtTensorConstructor, OrtTensorLike } from './types';

/** onnxruntime element type of each core dtype. */
export const ORT_ELEMENT_TYPE: Readonly<Record<DType, OrtElementType>> = {
  float32: 'float32',
  float16: 'float16',
  float64: 'float64',
  int32: 'int32',
  int64: 'int64',
  uint8: 'uint8',
  bool: 'bool',
};

/**
 * A runtime Tensor over a HostTensor's data (bool copied as 0/1, everything else shared).
 * `view` lets an adapter re-view the data before the runtime sees it (onnxruntime-web in another
 * realm needs its own typed-array constructors).
 */
export function toOrtTensor<T extends OrtTensorLike>(Tensor: OrtTensorConstructor<T>, t: HostTensor, view: (data: HostTensor['data'], dtype: DType) => HostTensor['data'] = (data) => data): T {
  const data = t.dtype === 'bool' ? Uint8Array.from(t.data as Uint8Array, (v) => (v ? 1 : 0)) : t.data;
  return new Tensor(ORT_ELEMENT_TYPE[t.dtype], view(data, t.dtype), [...t.shape]);
}

/**
 * Copies a runtime output into a HostTensor of this realm (the runtime may reuse its buffers).
 * `runtime` names the runtime in the error for an element type skipconn cannot hold.
 */
export function fromOrtTensor(t: OrtTensorLike, name: string, runtime: string): HostTensor {
  const shape = [...t.dims];
  switch (t.type) {
    case 'float32':
      return { dtype: 'float32', shape, data: Float32Array.from(t.data as Float32Array) };
    case 'float64':
      return { dtype: 'float64', shape, data: Float64Array.from(t.data as Float64Array) };
    case 'int32':
      return { dtype: 'int32', shape, data: Int32Array.from(t.data as Int32Array) };
    case 'int64':
      return { dtype: 'int64', shape, data: BigInt64Array.from(t.data as BigInt64Array) };
    case 'uint8':
      return { dtype: 'uint8', shape, data: Uint8Array.from(t.data as Uint8Array) };
    case 'bool':
      return { dtype: 'bool', shape, data: Uint8Array.from(t.data as ArrayLike<number>, (v) => (v ? 1 : 0)) };
    case 'float16': {
      // A Float16Array where the platform has one (Node >= 24, recent browsers), raw bits in a
      // Uint16Array otherwise: keep the bits either way.
      const d = t.data as ArrayBufferView & { length: number };
      return { dtype: 'float16', shape, data: new Uint16Array(d.buffer.slice(d.byteOffset, d.byteOffset + d.length * 2)) };
    }
    default:
      throw new SkipconnError('UNSUPPORTED', `output '${name}': ${runtime} returned element type ${t.type}, which skipconn tensors cannot hold`);
  }
}

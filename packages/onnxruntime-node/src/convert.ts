/**
 * HostTensor <-> onnxruntime Tensor, at the adapter boundary only. float16 travels as raw half
 * bits in a Uint16Array on both sides, bool as a Uint8Array of 0/1.
 */
import type * as ort from 'onnxruntime-node';
import { SkipconnError, type DType, type HostTensor } from '@skipconn/core';

const ORT_TYPE: Record<DType, ort.Tensor.Type> = {
  float32: 'float32',
  float16: 'float16',
  float64: 'float64',
  int32: 'int32',
  int64: 'int64',
  uint8: 'uint8',
  bool: 'bool',
};

export function toOrt(runtime: typeof ort, t: HostTensor): ort.Tensor {
  const data = t.dtype === 'bool' ? Uint8Array.from(t.data as Uint8Array, (v) => (v ? 1 : 0)) : t.data;
  return new runtime.Tensor(ORT_TYPE[t.dtype], data as never, [...t.shape]);
}

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
      // onnxruntime-node may hand back a Float16Array (Node >= 24) or raw bits in a Uint16Array.
      const d = t.data as unknown as ArrayLike<number> & { BYTES_PER_ELEMENT: number; buffer: ArrayBufferLike; byteOffset: number };
      return { dtype: 'float16', shape, data: new Uint16Array(d.buffer.slice(d.byteOffset, d.byteOffset + d.length * 2)) };
    }
    default:
      throw new SkipconnError('UNSUPPORTED', `output '${name}': onnxruntime returned element type ${t.type}, which skipconn tensors cannot hold`);
  }
}

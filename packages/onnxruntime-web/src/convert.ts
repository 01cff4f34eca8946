/**
 * HostTensor -> onnxruntime-web Tensor across realms (the conversion itself is @skipconn/onnx's
 * toOrtTensor / fromOrtTensor).
 *
 * onnxruntime-common checks tensor data with `instanceof` against the typed-array constructors
 * of the realm it was loaded in. In Node under jest the runtime is loaded in the outer realm
 * (see node/runtime.ts) while our tensors come from the test's realm, so every typed array that
 * crosses into the runtime is re-viewed (no copy) with the runtime's own constructors. In a
 * browser or a plain Node process the two realms are the same and the views are free.
 */
import type * as ort from 'onnxruntime-web';
import type { DType, HostTensor } from '@skipconn/core';
import { ORT_ELEMENT_TYPE, toOrtTensor, type OrtElementType } from '@skipconn/onnx';

type Runtime = typeof ort;
type ViewConstructor = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => ArrayBufferView;

/** The ort element type whose plain-array constructor reveals the realm's typed array for a dtype. */
const PROBE_TYPE: Record<DType, OrtElementType> = { ...ORT_ELEMENT_TYPE, float16: 'uint16' };

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
  return toOrtTensor(runtime.Tensor, t, (data, dtype) => {
    const Ctor = realmConstructor(runtime, dtype);
    return (data instanceof Ctor ? data : new Ctor(data.buffer, data.byteOffset, data.length)) as HostTensor['data'];
  });
}

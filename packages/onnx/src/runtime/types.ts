/**
 * The part of the onnxruntime-common API (shared by onnxruntime-node and onnxruntime-web) that
 * the ort adapters use, stated structurally so that @skipconn/onnx needs no onnxruntime package:
 * the runtimes' own `Tensor` class and `InferenceSession` satisfy these interfaces as they are.
 */
import type { HostTensor } from '@skipconn/core';

/** The onnxruntime element types skipconn tensors travel as ('uint16' only to probe a realm). */
export type OrtElementType = 'float32' | 'float16' | 'float64' | 'int32' | 'int64' | 'uint8' | 'bool' | 'uint16';

/** An onnxruntime Tensor as the adapters read it. */
export interface OrtTensorLike {
  readonly type: string;
  readonly dims: readonly number[];
  readonly data: unknown;
  dispose(): void;
}

/** onnxruntime's `Tensor` constructor, in its (type, data, dims) form. */
export type OrtTensorConstructor<T extends OrtTensorLike> = new (type: OrtElementType, data: HostTensor['data'], dims: readonly number[]) => T;

/** What a compiled graph needs of an InferenceSession (an adapter may wrap the real one). */
export interface OrtSessionLike<T extends OrtTensorLike> {
  run(feeds: Readonly<Record<string, T>>): Promise<Readonly<Record<string, T>>>;
  release(): Promise<void>;
}

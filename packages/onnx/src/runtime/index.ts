/**
 * What the ONNX Runtime adapters (onnxruntime-node, onnxruntime-web) share: tensor conversion,
 * session bookkeeping and session options, over the onnxruntime-common API stated structurally
 * (types.ts), so this package loads no runtime.
 */
export * from './types';
export { ORT_ELEMENT_TYPE, toOrtTensor, fromOrtTensor } from './convert';
export { OrtSessionSet } from './session';
export type { OrtGraphOptions } from './session';
export { DEFAULT_MAX_INLINE_INITIALIZER_BYTES, MIN_EXTERNAL_INITIALIZER_BYTES, splitExternalData } from './external';
export type { ExternalDataFile, SplitModel } from './external';
export { GRAPH_OPTIMIZATION_LEVELS, mergeSessionOptions, checkIntegerOption } from './options';
export type { GraphOptimizationLevel, OrtCommonSessionOptions } from './options';

/**
 * @skipconn/onnx: IR <-> ONNX. Export (IR -> ModelProto bytes), import (ONNX -> IR with constant
 * folding and skip detection) and safe decoding; the pieces both ONNX Runtime adapters share
 * (./runtime). No file system and no runtime here; see ./node for files.
 */
export * from './proto/types';
export { decodeModel, decodeTensorProto } from './proto/decode';
export { encodeModel } from './proto/encode';
export { ProtoReader, ProtoWriter } from './proto/wire';
export * from './tensor';
export { exportModel, exportOnnx, EXPORTERS, DEFAULT_OPSET, MIN_EXPORT_OPSET, MAX_EXPORT_OPSET } from './export';
export type { ExportOptions } from './export';
export { importOnnx, importModel, SUPPORTED_ONNX_OPS, MIN_IMPORT_OPSET, MAX_IMPORT_OPSET } from './import';
export type { ImportOptions, ImportResult, ExternalDataReader } from './import';
export * from './runtime';

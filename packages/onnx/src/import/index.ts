/** ONNX bytes -> IR: decode (bounds-checked) then import. */
import { decodeModel } from '../proto/decode';
import { importModel, type ImportOptions, type ImportResult } from './importer';

export function importOnnx(bytes: Uint8Array, options: ImportOptions = {}): ImportResult {
  return importModel(decodeModel(bytes, options.file ?? '<onnx>'), options);
}

export { importModel, SUPPORTED_ONNX_OPS, MIN_IMPORT_OPSET, MAX_IMPORT_OPSET } from './importer';
export type { ImportOptions, ImportResult, ExternalDataReader } from './importer';

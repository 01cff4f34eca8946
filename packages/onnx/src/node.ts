/**
 * Loading ONNX models from files (Node only). External data is read only from inside the
 * model's folder: absolute locations, '..' segments and symlinks that resolve outside are
 * refused, and every size is checked against the file before anything is allocated.
 */
import * as fs from 'fs';
import * as path from 'path';
import { FileFormatError } from '@skipconn/core';
import { closeFile, openRegularFile, readFileChecked, readOpenedRange } from '@skipconn/core/node';
import { decodeModel } from './proto/decode';
import { importModel, type ExternalDataReader, type ImportOptions, type ImportResult } from './import/importer';
import type { ModelProto } from './proto/types';

/** Largest model file read (protobuf itself cannot exceed 2 GiB). */
export const DEFAULT_MAX_MODEL_BYTES = 2 ** 31 - 1;

export interface LoadOptions extends Omit<ImportOptions, 'file' | 'externalData'> {
  readonly maxModelBytes?: number;
}

function refuse(file: string, location: string, why: string): never {
  throw new FileFormatError(file, `external data location '${location}' is refused: ${why}`);
}

/** Checks an external-data location and returns its real path inside `dir`. */
export function resolveExternalPath(modelFile: string, location: string): string {
  if (location.length === 0 || location.includes('\0')) refuse(modelFile, location, 'empty or contains a NUL byte');
  if (path.isAbsolute(location) || path.win32.isAbsolute(location) || /^[a-zA-Z]:/.test(location)) refuse(modelFile, location, 'absolute paths are not allowed');
  if (location.split(/[\\/]/).some((seg) => seg === '..')) refuse(modelFile, location, "'..' segments are not allowed");
  const dir = fs.realpathSync(path.dirname(path.resolve(modelFile)));
  const full = path.join(dir, location);
  let real: string;
  try {
    real = fs.realpathSync(full);
  } catch {
    throw new FileFormatError(modelFile, `external data file '${location}' does not exist next to the model`);
  }
  if (real !== dir && !real.startsWith(dir + path.sep)) refuse(modelFile, location, `it resolves outside the model's folder (to ${real})`);
  return real;
}

/** An ExternalDataReader for a model file: bounds-checked reads inside the model's folder. */
export function externalDataReader(modelFile: string): ExternalDataReader {
  return (location, offset, length, tensorName) => {
    const real = resolveExternalPath(modelFile, location);
    // openRegularFile refuses FIFOs, devices and folders on the descriptor it reads from.
    const opened = openRegularFile(real);
    try {
      const size = opened.size;
      const n = length ?? size - offset;
      if (offset > size || n < 0 || offset + n > size) {
        throw new FileFormatError(modelFile, `tensor '${tensorName}': external data [${offset}, ${offset + n}) lies outside '${location}' (${size} bytes)`);
      }
      return readOpenedRange(opened, offset, n);
    } finally {
      closeFile(opened);
    }
  };
}

/** Reads and decodes a model file (size-capped). */
export function readOnnxFile(file: string, maxModelBytes = DEFAULT_MAX_MODEL_BYTES): ModelProto {
  return decodeModel(readFileChecked(file, { maxBytes: maxModelBytes }), file);
}

/** Loads an ONNX model file into a validated IR graph, reading external data safely. */
export function loadOnnxFile(file: string, options: LoadOptions = {}): ImportResult {
  const model = readOnnxFile(file, options.maxModelBytes);
  return importModel(model, { ...options, file, externalData: externalDataReader(file) });
}

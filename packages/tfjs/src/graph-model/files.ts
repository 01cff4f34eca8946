/**
 * GraphModel files on disk (Node only): model.json and the weight files its manifest names, read
 * with the same path and size checks as LayersModel files.
 */
import * as path from 'path';
import { FileFormatError } from '@skipconn/core';
import { readModelJson, readWeightShards } from '../layers-model/files';
import { GRAPH_MODEL_FORMAT, isGraphModelJson, type GraphModelArtifacts } from './format';
import { importGraphModel, type GraphModelImport, type GraphModelImportOptions } from './import';

export interface GraphModelFiles extends GraphModelArtifacts {
  readonly modelFile: string;
  /** The weight files read, in manifest order (absolute paths). */
  readonly weightFiles: readonly string[];
}

/** Reads a GraphModel's model.json and its weight files (concatenated in manifest order). */
export function readGraphModelFiles(modelFile: string): GraphModelFiles {
  const json = readModelJson(modelFile);
  if (!isGraphModelJson(json)) {
    const format = (json as { format?: unknown } | null)?.format;
    throw new FileFormatError(
      modelFile,
      `not a tfjs GraphModel: expected "format": "${GRAPH_MODEL_FORMAT}" or a modelTopology with a node list${format !== undefined ? `, received format ${JSON.stringify(format)}` : ''}`,
    );
  }
  const { weightData, weightFiles } = readWeightShards(modelFile, json.weightsManifest ?? []);
  return { modelFile: path.resolve(modelFile), modelJson: { ...json, weightsManifest: json.weightsManifest ?? [] }, weightData, weightFiles };
}

/** Reads a GraphModel from disk and imports it into IR; errors name model.json and the weight files. */
export function loadGraphModelFile(modelFile: string, options: Omit<GraphModelImportOptions, 'file' | 'weightsFile'> = {}): GraphModelImport {
  const files = readGraphModelFiles(modelFile);
  return importGraphModel(files, { name: path.basename(path.dirname(files.modelFile)), ...options, file: files.modelFile, weightsFile: files.weightFiles.join(', ') || `${files.modelFile} (no weight files)` });
}

/** Whether a model.json holds a GraphModel (true) or a LayersModel (false), by its content. */
export function isGraphModelFile(modelFile: string): boolean {
  return isGraphModelJson(readModelJson(modelFile));
}

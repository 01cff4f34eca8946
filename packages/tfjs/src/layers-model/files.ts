/**
 * LayersModel files on disk (Node only): reading model.json and its weight files, writing an
 * export atomically. Weight paths must stay inside model.json's folder (no absolute paths, no
 * '..', no symlinks out), and sizes are checked before allocation.
 */
import * as fs from 'fs';
import * as path from 'path';
import { FileFormatError, SkipconnError, checkJsonDepth, type ValidatedGraph, type WeightStore } from '@skipconn/core';
import { closeFile, makeOutputDir, openRegularFile, readFileChecked, readOpenedRange, removeCreatedDirs, writeFileAtomic, type OpenedFile } from '@skipconn/core/node';
import { LAYERS_MODEL_FORMAT, weightSpecsOf, type LayersModelArtifacts, type LayersModelJson, type WeightSpecJson } from './format';
import { exportLayersModel, type LayersModelExport, type LayersModelExportOptions } from './export';
import { importLayersModel, type LayersModelImport, type LayersModelImportOptions } from './import';

/** Largest model.json and largest total of weight files read (tfjs shards are small; 2 GiB is generous). */
export const MAX_LAYERS_MODEL_BYTES = 2 ** 31 - 1;

export interface LayersModelFiles extends LayersModelArtifacts {
  readonly modelFile: string;
  /** The weight files read, in manifest order (absolute paths). */
  readonly weightFiles: readonly string[];
}

/** Resolves a manifest path against model.json's folder, refusing anything that leaves it. */
export function resolveWeightPath(modelFile: string, p: unknown): string {
  const refuse = (why: string): never => {
    throw new FileFormatError(modelFile, `weights manifest path ${JSON.stringify(p)} is refused: ${why}`);
  };
  if (typeof p !== 'string' || p.length === 0 || p.includes('\0')) refuse('expected a non-empty relative path');
  let rel: string;
  try {
    rel = decodeURIComponent(p as string);
  } catch {
    refuse("it holds a '%' that does not start a valid percent-escape (expected '%' and two hex digits of UTF-8)");
  }
  if (rel!.includes('\0')) refuse('it decodes to a path with a NUL character');
  if (path.isAbsolute(rel!) || path.win32.isAbsolute(rel!) || /^[a-z]+:/i.test(rel!)) refuse('absolute paths and URLs are not allowed');
  if (rel!.split(/[\\/]/).includes('..')) refuse("'..' segments are not allowed");
  const dir = path.dirname(path.resolve(modelFile));
  const full = path.resolve(dir, rel!);
  let real: string;
  try {
    real = fs.realpathSync(full);
  } catch {
    throw new SkipconnError('FILE_IO', `${full}: cannot read: no such file or directory (ENOENT), named in the weights manifest of ${modelFile}`);
  }
  const realDir = fs.realpathSync(dir);
  if (real !== realDir && !real.startsWith(realDir + path.sep)) refuse(`it resolves outside the model's folder (to ${real})`);
  return real;
}

/**
 * Reads the weight files a model.json's manifest names (LayersModel or GraphModel), concatenated
 * in manifest order; each path is checked by resolveWeightPath.
 */
export function readWeightShards(modelFile: string, manifest: unknown): { weightData: Uint8Array; weightFiles: string[] } {
  if (!Array.isArray(manifest)) throw new FileFormatError(modelFile, 'weightsManifest is not a list');
  const weightFiles = (manifest as { paths?: unknown }[]).flatMap((g) => (Array.isArray(g?.paths) ? (g.paths as unknown[]) : [])).map((p) => resolveWeightPath(modelFile, p));
  // Every shard is opened (and proved a regular file) before anything is allocated, so the
  // total is known from fstat and a FIFO or device never blocks or streams without end.
  const opened: OpenedFile[] = [];
  let weightData: Uint8Array;
  try {
    let total = 0;
    for (const f of weightFiles) {
      const shard = openRegularFile(f);
      opened.push(shard);
      total += shard.size;
      if (total > MAX_LAYERS_MODEL_BYTES) throw new FileFormatError(f, `weight files exceed ${MAX_LAYERS_MODEL_BYTES} bytes in total`);
    }
    weightData = new Uint8Array(total);
    let offset = 0;
    for (const shard of opened) {
      weightData.set(readOpenedRange(shard, 0, shard.size), offset);
      offset += shard.size;
    }
  } finally {
    for (const shard of opened) closeFile(shard);
  }
  return { weightData, weightFiles };
}

/** Reads and parses a tfjs model.json (any format), size- and depth-checked. */
export function readModelJson(modelFile: string): unknown {
  const text = new TextDecoder().decode(readFileChecked(modelFile, { maxBytes: MAX_LAYERS_MODEL_BYTES }));
  checkJsonDepth(text, modelFile);
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as unknown;
  } catch (err) {
    throw new FileFormatError(modelFile, `invalid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Reads model.json and its weight files (concatenated in manifest order). */
export function readLayersModelFiles(modelFile: string): LayersModelFiles {
  const json = readModelJson(modelFile) as LayersModelJson;
  if (typeof json !== 'object' || json === null || Array.isArray(json) || typeof json.modelTopology !== 'object' || json.modelTopology === null) {
    throw new FileFormatError(modelFile, 'not a tfjs LayersModel: expected a JSON object with "modelTopology" and "weightsManifest"');
  }
  if (json.format !== undefined && json.format !== LAYERS_MODEL_FORMAT) {
    throw new FileFormatError(modelFile, `format '${String(json.format)}' is not a LayersModel (expected '${LAYERS_MODEL_FORMAT}'; a 'graph-model' from the tfjs converter is read by loadGraphModelFile)`);
  }
  const manifest = json.weightsManifest ?? [];
  const { weightData, weightFiles } = readWeightShards(modelFile, manifest);
  return { modelFile: path.resolve(modelFile), modelJson: { ...json, weightsManifest: manifest }, weightData, weightFiles };
}

/** Reads a LayersModel from disk and imports it into IR; errors name model.json and the weight files. */
export function loadLayersModelFile(modelFile: string, options: Omit<LayersModelImportOptions, 'file' | 'weightsFile'> = {}): LayersModelImport {
  const files = readLayersModelFiles(modelFile);
  return importLayersModel(files, { ...options, file: files.modelFile, weightsFile: files.weightFiles.join(', ') || `${files.modelFile} (no weight files)` });
}

/**
 * Writes artifacts as `<dir>/model.json` plus the manifest's weight file(s), each atomically;
 * the weights first, so model.json never names a file that is not there.
 */
export function writeLayersModelFiles(dir: string, artifacts: LayersModelArtifacts, modelFileName = 'model.json'): { modelFile: string; weightFiles: string[] } {
  const groups = artifacts.modelJson.weightsManifest;
  if (groups.some((g) => g.paths.length !== 1)) throw new SkipconnError('USAGE', 'writeLayersModelFiles writes one weight file per manifest group');
  const bytesPer = (w: WeightSpecJson): number | undefined => {
    if (w.dtype === 'int32') return w.quantization === undefined ? 4 : undefined;
    if (w.dtype !== 'float32') return undefined;
    const q = w.quantization?.dtype;
    return q === undefined ? 4 : q === 'uint8' ? 1 : q === 'uint16' || q === 'float16' ? 2 : undefined;
  };
  if (weightSpecsOf(artifacts.modelJson).some((w) => bytesPer(w) === undefined)) {
    throw new SkipconnError('USAGE', 'writeLayersModelFiles writes float32 weights, stored as float32 or quantized to uint8, uint16 or float16, and unquantized int32 weights, exactly as the manifest lists them');
  }
  const groupBytes = groups.map((g) => g.weights.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1) * bytesPer(w)!, 0));
  if (groupBytes.reduce((a, b) => a + b, 0) !== artifacts.weightData.byteLength) {
    throw new SkipconnError('USAGE', 'writeLayersModelFiles writes weights exactly as the manifest lists them: their sizes do not add up to the weight data');
  }
  for (const g of groups) {
    const file = path.join(dir, g.paths[0]!);
    if (path.dirname(path.resolve(file)) !== path.resolve(dir)) throw new SkipconnError('USAGE', `weight file name ${JSON.stringify(g.paths[0])} must be a plain file name`);
  }
  // Folders created here are removed again when a write fails, so a failed export leaves nothing.
  const created = makeOutputDir(dir);
  const weightFiles: string[] = [];
  try {
    let offset = 0;
    groups.forEach((g, i) => {
      const file = path.join(dir, g.paths[0]!);
      writeFileAtomic(file, artifacts.weightData.subarray(offset, offset + groupBytes[i]!));
      weightFiles.push(file);
      offset += groupBytes[i]!;
    });
    const modelFile = path.join(dir, modelFileName);
    writeFileAtomic(modelFile, `${JSON.stringify(artifacts.modelJson)}\n`);
    return { modelFile, weightFiles };
  } catch (err) {
    if (created.length > 0) for (const f of weightFiles) fs.rmSync(f, { force: true });
    removeCreatedDirs(created);
    throw err;
  }
}

/** Exports a graph and writes it to `dir`. */
export function saveLayersModel(dir: string, vg: ValidatedGraph, weights: WeightStore, options: LayersModelExportOptions = {}): LayersModelExport & { modelFile: string; weightFiles: string[] } {
  const exported = exportLayersModel(vg, weights, options);
  return { ...exported, ...writeLayersModelFiles(dir, exported) };
}

/**
 * Loads any model the CLI accepts into a validated IR graph plus weights, choosing the reader by
 * file content and extension. Each format lives in its own package; this file only dispatches.
 */
import * as path from 'path';
import { SkipconnError, type Graph, type HostTensor, type ValidatedGraph } from '@skipconn/core';
import { closeFile, loadGraphFile, openRegularFile, readOpenedRange } from '@skipconn/core/node';
import { onnxReader } from './onnx-reader';
import { tfjsReader } from './tfjs-reader';

export interface LoadedModel {
  readonly file: string;
  /** 'ir', 'onnx' or 'tfjs' */
  readonly format: string;
  readonly graph: Graph;
  readonly weights: Map<string, HostTensor>;
  readonly validated: ValidatedGraph;
  /** The weight quantization of the source file ('uint8', 'uint16', 'float16'), when all its quantized weights share one. */
  readonly weightQuantization?: 'uint8' | 'uint16' | 'float16';
}

/** A reader for one model format; packages add theirs to MODEL_READERS. */
export interface ModelReader {
  readonly format: string;
  /** True when this reader should handle the file (by extension or a peek at its content). */
  matches(file: string, head: Uint8Array): boolean;
  load(file: string): Promise<Omit<LoadedModel, 'file' | 'format'>>;
}

const irReader: ModelReader = {
  format: 'ir',
  matches(file, head) {
    return file.endsWith('.json') && new TextDecoder().decode(head).includes('skipconn.graph');
  },
  async load(file) {
    return loadGraphFile(file);
  },
};

export const MODEL_READERS: ModelReader[] = [irReader, onnxReader, tfjsReader];

export async function loadModel(file: string, cwd: string): Promise<LoadedModel> {
  const full = path.resolve(cwd, file);
  // Only the head decides the reader, and the reader reads the file itself: reading it whole
  // here as well would hold a large model twice.
  const opened = openRegularFile(full);
  let head: Uint8Array;
  try {
    head = readOpenedRange(opened, 0, Math.min(opened.size, 4096));
  } finally {
    closeFile(opened);
  }
  const reader = MODEL_READERS.find((r) => r.matches(full, head));
  if (reader === undefined) {
    throw new SkipconnError(
      'INPUT_INVALID',
      `${file}: not a model skipconn can read; expected a skipconn IR graph (.json with "format": "skipconn.graph")${
        MODEL_READERS.length > 1
          ? `, or one of: ${MODEL_READERS.slice(1)
              .map((r) => r.format)
              .join(', ')}`
          : ''
      }`,
    );
  }
  const loaded = await reader.load(full);
  return { file: full, format: reader.format, ...loaded };
}

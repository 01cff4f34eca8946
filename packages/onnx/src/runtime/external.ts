/**
 * Models over protobuf's 2 GiB: onnxruntime parses a model as one protobuf message, and protobuf
 * refuses messages of 2 GiB or more, so a model whose weights alone pass that cannot be handed
 * over as one buffer. ONNX external data is the way around it that onnxruntime (node and web)
 * reads from memory: the `externalData` session option lists "files" by path with their bytes,
 * and each initializer names its file, offset and length instead of carrying raw_data.
 */
import { SkipconnError } from '@skipconn/core';
import type { ModelProto, TensorProto } from '../proto/types';

/**
 * Largest total of initializer bytes kept inside the protobuf: 2 GiB less 64 MiB left for the
 * graph itself (nodes, value infos, names), which stays far smaller for every model we export.
 */
export const DEFAULT_MAX_INLINE_INITIALIZER_BYTES = 2 ** 31 - 2 ** 26;

/**
 * Initializers smaller than this stay inside the protobuf even when the rest moves out: onnxruntime
 * reads small constants (Reshape shapes, Resize scales) during shape inference, before it loads
 * external data, and refuses to find them there. 1 KiB is the threshold onnx's own
 * external-data conversion uses.
 */
export const MIN_EXTERNAL_INITIALIZER_BYTES = 1024;

/** One in-memory external data file, as onnxruntime's `externalData` option takes it. */
export interface ExternalDataFile {
  readonly path: string;
  readonly data: Uint8Array;
}

export interface SplitModel {
  /** The model to encode: `model` itself when nothing moved out. */
  readonly model: ModelProto;
  /** The files its initializers point at (empty when they all stayed inline). */
  readonly externalData: ExternalDataFile[];
}

/** Total bytes of the initializers' raw data. */
function initializerBytes(model: ModelProto): number {
  let total = 0;
  for (const t of model.graph?.initializer ?? []) total += t.rawData?.length ?? 0;
  return total;
}

/**
 * Moves the raw data of every initializer of MIN_EXTERNAL_INITIALIZER_BYTES or more out of
 * `model`, each into an external data file of its own, when the initializers' total passes
 * `maxInlineBytes`; below that the model is returned as it is. The file names are generated
 * (initializer-<index>.bin), since initializer names may hold any character.
 */
export function splitExternalData(model: ModelProto, maxInlineBytes = DEFAULT_MAX_INLINE_INITIALIZER_BYTES): SplitModel {
  if (!Number.isSafeInteger(maxInlineBytes) || maxInlineBytes < 0) {
    throw new SkipconnError('USAGE', `maxInlineInitializerBytes: expected a non-negative integer, received ${JSON.stringify(maxInlineBytes)}`);
  }
  const graph = model.graph;
  if (graph === undefined || initializerBytes(model) <= maxInlineBytes) return { model, externalData: [] };
  const externalData: ExternalDataFile[] = [];
  const initializer = graph.initializer.map((t, i): TensorProto => {
    if (t.rawData === undefined || t.rawData.length < MIN_EXTERNAL_INITIALIZER_BYTES) return t;
    const path = `initializer-${i}.bin`;
    externalData.push({ path, data: t.rawData });
    const { rawData: _moved, ...rest } = t;
    return {
      ...rest,
      dataLocation: 1,
      externalData: [
        { key: 'location', value: path },
        { key: 'offset', value: '0' },
        { key: 'length', value: String(t.rawData.length) },
      ],
    };
  });
  return { model: { ...model, graph: { ...graph, initializer } }, externalData };
}

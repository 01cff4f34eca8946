import type { OpType, ValidatedNode, ValidatedNodeOf } from '@skipconn/core';
import type { ExportContext } from '../context';

/** Writes the ONNX nodes for one validated IR node of op K and defines its outputs in the context. */
export type OpExporter<K extends OpType> = (node: ValidatedNodeOf<K>, ctx: ExportContext) => void;

/** An exporter that reads no attributes, so it serves any op (binaries, attribute-free activations). */
export type AnyOpExporter = (node: ValidatedNode, ctx: ExportContext) => void;

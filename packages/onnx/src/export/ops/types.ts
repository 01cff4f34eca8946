import type { ValidatedNode } from '@skipconn/core';
import type { ExportContext } from '../context';

/** Writes the ONNX nodes for one validated IR node and defines its outputs in the context. */
export type OpExporter = (node: ValidatedNode, ctx: ExportContext) => void;

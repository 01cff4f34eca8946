/**
 * tfjs GraphModel import (TensorFlow GraphDef JSON + weights -> IR). Pure data: nothing here
 * loads tfjs or touches files (see ../node.ts for files).
 */
export * from './format';
export { importGraphModel, SUPPORTED_TF_OPS } from './import';
export type { GraphModelImport, GraphModelImportOptions } from './import';

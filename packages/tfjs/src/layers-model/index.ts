/**
 * tfjs LayersModel export (IR -> model.json + weights) and import (Keras functional topology ->
 * IR). Pure data: nothing here loads tfjs or touches files (see ../../node.ts for files).
 */
export * from './format';
export { exportLayersModel } from './export';
export type { LayersModelExport, LayersModelExportOptions, ExportedValue } from './export';
export type { OpLayerUse } from './export/context';
export { EXPORTABLE_OPS } from './export/plan';
export { importLayersModel, SUPPORTED_LAYERS } from './import';
export type { LayersModelImport, LayersModelImportOptions } from './import';
export { transposeHostTensor } from './host';
export { WEIGHT_QUANTIZATIONS, quantizeWeight } from './export/quantize';
export type { QuantizationSpec, QuantizedWeight, WeightQuantization } from './export/quantize';

/**
 * @skipconn/core: the vocabulary of skip connections. Importing it registers the 'reference'
 * adapter and nothing else; it loads no runtime and touches no file system (see ./node for files).
 */
export * from './tensor';
export * from './random';
export * as blocks from './blocks';
export * from './layout';
export * from './errors';
export * from './graph/types';
export * from './graph/json';
export * from './graph/builder';
export * from './graph/validate';
export * from './graph/skips';
export * from './ops';
export { RESIDUAL, residual, stochasticDepthFactor, learnedScaleCount, scaleForm } from './ops/residual';
export type { ResidualAttrs, ScaleSpec, StochasticDepth, StochasticDepthConvention } from './ops/residual';
export { CONCAT, concat, centerCropOffsets } from './ops/concat';
export type { ConcatAttrs } from './ops/concat';
export { HIGHWAY, highway } from './ops/highway';
export type { HighwayAttrs } from './ops/highway';
export { GATE, gate } from './ops/gate';
export type { GateAttrs } from './ops/gate';
export type { GeluAttrs } from './ops/gelu';
export * from './adapter/types';
export * from './adapter/registry';
export * from './reference/kernel';
export * from './reference/evaluate';
export * from './reference/math';
export * from './reference/adapter';
export * from './io/npy';
export * from './io/safetensors';

import { registerAdapter } from './adapter/registry';
import { createReferenceAdapter, REFERENCE_ADAPTER } from './reference/adapter';

registerAdapter(REFERENCE_ADAPTER, createReferenceAdapter, 100, 'float64 reference evaluator in plain TypeScript (the oracle)');

/**
 * @skipconn/core: the vocabulary of skip connections. Importing it has no side effects (the
 * 'reference' adapter is built into the registry); it loads no runtime and touches no file system (see ./node for files).
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
export * from './graph/skip-cost';
export { IndexHeap } from './graph/heap';
export * from './ops';
export * from './ops/add';
export * from './ops/avg-pool2d';
export * from './ops/batch-norm';
export * from './ops/clip';
export * from './ops/hard-sigmoid';
export * from './ops/concat';
export * from './ops/conv-transpose2d';
export * from './ops/conv2d';
export * from './ops/dense';
export * from './ops/div';
export * from './ops/flatten';
export * from './ops/gate';
export * from './ops/gelu';
export * from './ops/global-avg-pool';
export * from './ops/highway';
export * from './ops/layer-norm';
export * from './ops/matmul';
export * from './ops/max-pool2d';
export * from './ops/mul';
export * from './ops/pad';
export * from './ops/relu';
export * from './ops/reshape';
export * from './ops/residual';
export * from './ops/resize';
export * from './ops/sigmoid';
export * from './ops/silu';
export * from './ops/softmax';
export * from './ops/sub';
export * from './ops/tanh';
export * from './ops/transpose';
export * from './adapter/types';
export * from './adapter/registry';
export * from './reference/kernel';
export * from './reference/evaluate';
export * from './reference/skip-signal';
export { erf, activationFn } from './reference/math';
export { broadcastIndex } from './reference/broadcast';
export * from './reference/adapter';
export * from './io/npy';
export * from './io/safetensors';


/**
 * The op vocabulary: one flat list. Adding an op = one file in this folder + one line here +
 * a reference kernel (reference/kernels) + conformance cases.
 */
import type { OpDef } from './op';
import { GraphError, clipUserText, type NodeRef } from '../errors';
import { add } from './add';
import { sub } from './sub';
import { mul } from './mul';
import { div } from './div';
import { relu } from './relu';
import { gelu } from './gelu';
import { clip } from './clip';
import { sigmoid } from './sigmoid';
import { tanh } from './tanh';
import { silu } from './silu';
import { softmax } from './softmax';
import { conv2d } from './conv2d';
import { convTranspose2d } from './conv-transpose2d';
import { dense } from './dense';
import { matmul } from './matmul';
import { batchNorm } from './batch-norm';
import { layerNorm } from './layer-norm';
import { maxPool2d } from './max-pool2d';
import { avgPool2d } from './avg-pool2d';
import { globalAvgPool } from './global-avg-pool';
import { resize } from './resize';
import { pad } from './pad';
import { reshape } from './reshape';
import { flatten } from './flatten';
import { transpose } from './transpose';
import { residual } from './residual';
import { concat } from './concat';
import { highway } from './highway';
import { gate } from './gate';

export const OPS: readonly OpDef<any>[] = [
  // merges: the skip connections
  residual, concat, highway, gate,
  // elementwise
  add, sub, mul, div,
  // activations
  relu, gelu, sigmoid, tanh, silu, softmax, clip,
  // linear and convolution
  dense, matmul, conv2d, convTranspose2d,
  // normalization
  batchNorm, layerNorm,
  // pooling and resampling
  maxPool2d, avgPool2d, globalAvgPool, resize, pad,
  // shape
  reshape, flatten, transpose,
];

const BY_TYPE = new Map<string, OpDef<any>>(OPS.map((op) => [op.type, op]));

export const OP_TYPES: readonly string[] = OPS.map((op) => op.type);

/** The merge ops, i.e. the skip-connection kinds. */
export const MERGE_OPS: readonly string[] = OPS.filter((op) => op.category === 'merge').map((op) => op.type);

export function findOp(type: string): OpDef<any> | undefined {
  return BY_TYPE.get(type);
}

export function getOp(type: string, ref: NodeRef): OpDef<any> {
  const op = BY_TYPE.get(type);
  if (op === undefined) {
    throw new GraphError('UNKNOWN_OP', ref, `unknown op '${clipUserText(type)}'`, { expected: `one of ${OP_TYPES.join(', ')}`, received: clipUserText(type) });
  }
  return op;
}

export * from './op';
export * from './activation-kind';
export * from './shape';
export * from './attrs';
export * from './window';

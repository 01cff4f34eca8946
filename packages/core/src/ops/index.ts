/**
 * The op vocabulary: one flat list, and the types every backend is held to. `OpType` is the union
 * of the `type` literals below and `OpAttrs<K>` the parsed attributes of op K. Every per-backend
 * table (reference kernels, ONNX exporters, tfjs kernels, LayersModel exporters, WebGPU op
 * definitions) is typed `{ readonly [K in OpType]: Impl<K> | Unsupported }`, so adding an op here
 * makes `tsc` name each table that has to answer for it (docs/architecture.md "How to add an op").
 */
import type { OpDef } from './op';
import { isUnsupported } from './table';
import { GraphError, clipUserText, type NodeRef } from '../errors';
import type { Attrs, ValueInfo } from '../graph/types';
import type { DType } from '../tensor';
import { add } from './add';
import { sub } from './sub';
import { mul } from './mul';
import { div } from './div';
import { floorDiv } from './floor-div';
import { equal } from './equal';
import { relu } from './relu';
import { gelu } from './gelu';
import { clip } from './clip';
import { hardSigmoid } from './hard-sigmoid';
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
import { slice } from './slice';
import { castOp } from './cast';
import { elu } from './elu';
import { sqrt } from './sqrt';
import { argMax } from './arg-max';
import { gatherNd } from './gather-nd';
import { topK } from './top-k';
import { residual } from './residual';
import { concat } from './concat';
import { highway } from './highway';
import { gate } from './gate';

export const OPS = [
  // merges: the skip connections
  residual,
  concat,
  highway,
  gate,
  // elementwise
  add,
  sub,
  mul,
  div,
  floorDiv,
  equal,
  // activations
  relu,
  gelu,
  sigmoid,
  tanh,
  silu,
  softmax,
  clip,
  hardSigmoid,
  elu,
  sqrt,
  // linear and convolution
  dense,
  matmul,
  conv2d,
  convTranspose2d,
  // normalization
  batchNorm,
  layerNorm,
  // pooling and resampling
  maxPool2d,
  avgPool2d,
  globalAvgPool,
  resize,
  pad,
  // shape
  reshape,
  flatten,
  transpose,
  slice,
  castOp,
  argMax,
  gatherNd,
  topK,
] as const;

/** The definition of any op of the vocabulary (a union, one member per op). */
export type AnyOpDef = (typeof OPS)[number];

/** The name of an op of the vocabulary: 'residual' | 'concat' | ... */
export type OpType = AnyOpDef['type'];

/** The parsed attributes of op K, defaults filled (what `parseAttrs` returns). */
export type OpAttrs<K extends OpType> = OpAttrsByType[K];

/** Every op's parsed attributes, keyed by op name. */
export type OpAttrsByType = { readonly [D in AnyOpDef as D['type']]: D extends OpDef<infer A, string> ? A : never };

/** The definition of op K. */
export type OpDefOf<K extends OpType> = OpDef<OpAttrs<K>, K>;

const BY_TYPE = new Map<string, AnyOpDef>(OPS.map((op) => [op.type, op]));

export const OP_TYPES: readonly OpType[] = OPS.map((op) => op.type);

/** The merge ops, i.e. the skip-connection kinds. */
export const MERGE_OPS: readonly OpType[] = OPS.filter((op) => op.category === 'merge').map((op) => op.type);

export function isOpType(type: string): type is OpType {
  return BY_TYPE.has(type);
}

export function findOp(type: string): AnyOpDef | undefined {
  return BY_TYPE.get(type);
}

export function getOp(type: string, ref: NodeRef): AnyOpDef {
  const op = BY_TYPE.get(type);
  if (op === undefined) {
    throw new GraphError('UNKNOWN_OP', ref, `unknown op '${clipUserText(type)}'`, { expected: `one of ${OP_TYPES.join(', ')}`, received: clipUserText(type) });
  }
  return op;
}

/**
 * Op `type`'s view for code that only carries attributes from its parseAttrs to its inferShape
 * (the validator, importers): the attrs stay opaque, so they cannot be paired with another op.
 */
export function getOpUntyped(type: string, ref: NodeRef): OpDef<unknown, OpType> {
  return getOp(type, ref);
}

/** Output infos of op `type` over `inputs` with raw attributes, as validation would infer them. */
export function inferOpOutputs(type: string, rawAttrs: Attrs, inputs: readonly ValueInfo[], ref: NodeRef): ValueInfo[] {
  const def = getOpUntyped(type, ref);
  return def.inferShape(inputs, def.parseAttrs(rawAttrs, ref), ref);
}

/** Any per-op table: one entry per op of the vocabulary. */
export type OpTable = { readonly [K in OpType]: unknown };

/**
 * Why `table` has no implementation for `op`: the declared reason, or one for a name outside the
 * vocabulary; undefined when the table implements it.
 */
export function unsupportedReason(table: OpTable, op: string): string | undefined {
  if (!isOpType(op)) return `'${op}' is not an op of the vocabulary (${OP_TYPES.join(', ')})`;
  const entry = table[op];
  return isUnsupported(entry) ? entry.reason : undefined;
}

/**
 * An adapter's `whyUnsupported` from its op table and the dtypes it runs: the table's declared
 * reason, a name outside the vocabulary, or a dtype it does not run; undefined when it runs both.
 */
export function tableWhyUnsupported(table: OpTable, dtypes: readonly DType[], op: string, dtype: DType): string | undefined {
  return unsupportedReason(table, op) ?? (dtypes.includes(dtype) ? undefined : `dtype ${dtype} is not run (this adapter runs ${dtypes.join(', ')})`);
}

/** The ops `table` implements, in vocabulary order. */
export function implementedOps(table: OpTable): OpType[] {
  return OP_TYPES.filter((op) => !isUnsupported(table[op]));
}

export * from './op';
export * from './activation-kind';
export * from './shape';
export * from './attrs';
export * from './window';
export * from './table';

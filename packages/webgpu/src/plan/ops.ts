/**
 * What every op of core's vocabulary is to this compiler, in one table keyed by OpType: its kind,
 * which decides how the fusion pass (./steps.ts) may combine it and how placement treats it, and
 * the function that lowers or emits it. The supported ops, `whyUnsupported`, the fusion
 * eligibility and the emitter dispatch are all read from here, so an op added to core is a
 * compile error naming WEBGPU_OPS until it gets an entry (a kernel, or `unsupported(reason)`).
 *
 * Kinds:
 *   - elementwise: an expression of its inputs (./elementwise.ts), evaluated by the fused
 *     expression kernel; chains of them become one pass, an anchor's epilogue or prologue.
 *   - anchor: a linear or convolution kernel that takes an elementwise epilogue, and with
 *     `prologue` an elementwise chain feeding only its first input.
 *   - normalize: a row normalization taking the chain before it as a prologue, storing that
 *     value too when it has later uses (residual + layerNorm, post-LN and pre-LN).
 *   - standalone: a kernel of its own, never fused.
 *   - view: placement-only, a view of its input's memory (a copy only when that is strided).
 *   - concat: placement-only, members hosted in slices of its output (zero-copy concatenation).
 *
 * `int32: true` marks the ops whose kernels are also generated for int32 operands (i32 bindings):
 * the int32 arithmetic and comparison, the casts, argMax, gatherNd, topK and the data-movement
 * ops, which are every op core lets int32 values reach. compile() refuses an int32 value at any
 * other op (adapter.ts).
 */
import { implementedOps, isUnsupported, type OpType, type Unsupported, type ValidatedNodeOf } from '@skipconn/core';
import {
  lowerBatchNorm,
  lowerBinary,
  lowerCast,
  lowerClip,
  lowerElu,
  lowerEqual,
  lowerGate,
  lowerHardSigmoid,
  lowerGelu,
  lowerHighway,
  lowerResidual,
  lowerTranspose,
  lowerUnary,
  type ElementwiseLowering,
} from './elementwise';
import type { StepEmitter } from './emitters/context';
import { emitConv2d, emitConvTranspose2d } from './emitters/conv';
import { emitDense } from './emitters/dense';
import { emitMatmul } from './emitters/matmul';
import { emitLayerNorm } from './emitters/layer-norm';
import { emitSoftmax } from './emitters/softmax';
import { emitAvgPool2d, emitGlobalAvgPool, emitMaxPool2d } from './emitters/pool';
import { emitResize } from './emitters/resize';
import { emitPad } from './emitters/pad';
import { emitConcat } from './emitters/concat';
import { emitViewCopy } from './emitters/view';
import { emitSlice } from './emitters/slice';
import { emitArgMax } from './emitters/arg-max';
import { emitGatherNd } from './emitters/gather-nd';
import { emitTopK } from './emitters/top-k';

interface OpDefBase {
  /** Its kernel is generated for int32 operands too, so int32 values may reach it. */
  readonly int32?: true;
}

export interface ElementwiseOpDef<K extends OpType> extends OpDefBase {
  readonly kind: 'elementwise';
  readonly lower: ElementwiseLowering<K>;
}

export interface AnchorOpDef<K extends OpType> extends OpDefBase {
  readonly kind: 'anchor';
  /** Whether an elementwise chain feeding only its first input may become its prologue. */
  readonly prologue: boolean;
  readonly emit: StepEmitter<K, 'anchor'>;
}

export interface NormalizeOpDef<K extends OpType> extends OpDefBase {
  readonly kind: 'normalize';
  readonly emit: StepEmitter<K, 'normalize'>;
}

export interface StandaloneOpDef<K extends OpType> extends OpDefBase {
  readonly kind: 'standalone';
  readonly emit: StepEmitter<K, 'standalone'>;
}

export interface ViewOpDef<K extends OpType> extends OpDefBase {
  readonly kind: 'view';
  /** The copy when its input is not dense. */
  readonly emit: StepEmitter<K, 'view'>;
}

export interface ConcatOpDef<K extends OpType> extends OpDefBase {
  readonly kind: 'concat';
  /** Whether members larger than the output are center-cropped to it (U-Net skips); such members are copied. */
  readonly centerCrop: (node: ValidatedNodeOf<K>) => boolean;
  /** Copies in the members placement could not host. */
  readonly emit: StepEmitter<K, 'concat'>;
}

/** What op K is to this compiler, and the function that lowers or emits it. */
export type WebGpuOpDef<K extends OpType> = ElementwiseOpDef<K> | AnchorOpDef<K> | NormalizeOpDef<K> | StandaloneOpDef<K> | ViewOpDef<K> | ConcatOpDef<K>;

export type WebGpuOpKind = WebGpuOpDef<OpType>['kind'];

export const WEBGPU_OPS: { readonly [K in OpType]: WebGpuOpDef<K> | Unsupported } = {
  residual: { kind: 'elementwise', lower: lowerResidual },
  concat: { kind: 'concat', int32: true, centerCrop: (node) => node.attrs.crop === 'center', emit: emitConcat },
  highway: { kind: 'elementwise', lower: lowerHighway },
  gate: { kind: 'elementwise', lower: lowerGate },
  add: { kind: 'elementwise', int32: true, lower: lowerBinary('add') },
  sub: { kind: 'elementwise', int32: true, lower: lowerBinary('sub') },
  mul: { kind: 'elementwise', int32: true, lower: lowerBinary('mul') },
  div: { kind: 'elementwise', lower: lowerBinary('div') },
  floorDiv: { kind: 'elementwise', int32: true, lower: lowerBinary('floordiv') },
  equal: { kind: 'elementwise', int32: true, lower: lowerEqual },
  relu: { kind: 'elementwise', lower: lowerUnary('relu') },
  gelu: { kind: 'elementwise', lower: lowerGelu },
  sigmoid: { kind: 'elementwise', lower: lowerUnary('sigmoid') },
  tanh: { kind: 'elementwise', lower: lowerUnary('tanh') },
  silu: { kind: 'elementwise', lower: lowerUnary('silu') },
  softmax: { kind: 'standalone', emit: emitSoftmax },
  clip: { kind: 'elementwise', lower: lowerClip },
  hardSigmoid: { kind: 'elementwise', lower: lowerHardSigmoid },
  elu: { kind: 'elementwise', lower: lowerElu },
  sqrt: { kind: 'elementwise', lower: lowerUnary('sqrt') },
  dense: { kind: 'anchor', prologue: false, emit: emitDense },
  matmul: { kind: 'anchor', prologue: false, emit: emitMatmul },
  // Only conv2d applies a prologue to its input reads (DenseNet's batchNorm + relu before each conv).
  conv2d: { kind: 'anchor', prologue: true, emit: emitConv2d },
  convTranspose2d: { kind: 'anchor', prologue: false, emit: emitConvTranspose2d },
  batchNorm: { kind: 'elementwise', lower: lowerBatchNorm },
  layerNorm: { kind: 'normalize', emit: emitLayerNorm },
  maxPool2d: { kind: 'standalone', emit: emitMaxPool2d },
  avgPool2d: { kind: 'standalone', emit: emitAvgPool2d },
  globalAvgPool: { kind: 'standalone', emit: emitGlobalAvgPool },
  resize: { kind: 'standalone', emit: emitResize },
  pad: { kind: 'standalone', emit: emitPad },
  reshape: { kind: 'view', int32: true, emit: emitViewCopy },
  flatten: { kind: 'view', int32: true, emit: emitViewCopy },
  transpose: { kind: 'elementwise', int32: true, lower: lowerTranspose },
  slice: { kind: 'standalone', int32: true, emit: emitSlice },
  cast: { kind: 'elementwise', int32: true, lower: lowerCast },
  argMax: { kind: 'standalone', int32: true, emit: emitArgMax },
  gatherNd: { kind: 'standalone', int32: true, emit: emitGatherNd },
  topK: { kind: 'standalone', int32: true, emit: emitTopK },
};

/** Ops with a kernel here, in vocabulary order. */
export const WEBGPU_IMPLEMENTED_OPS: readonly OpType[] = implementedOps(WEBGPU_OPS);

/** Ops whose kernels take int32 operands (`int32: true` above). */
export const WEBGPU_INT32_OPS: ReadonlySet<OpType> = new Set(WEBGPU_IMPLEMENTED_OPS.filter((op) => (WEBGPU_OPS[op] as OpDefBase).int32 === true));

/** The kind of `op` here; undefined when this adapter does not run it. */
export function webgpuOpKind(op: OpType): WebGpuOpKind | undefined {
  const def = WEBGPU_OPS[op];
  return isUnsupported(def) ? undefined : def.kind;
}

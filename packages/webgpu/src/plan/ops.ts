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
 */
import { implementedOps, isUnsupported, unsupported, type OpType, type Unsupported, type ValidatedNodeOf } from '@skipconn/core';
import { lowerBatchNorm, lowerBinary, lowerClip, lowerElu, lowerGate, lowerHardSigmoid, lowerGelu, lowerHighway, lowerResidual, lowerTranspose, lowerUnary, type ElementwiseLowering } from './elementwise';
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

export interface ElementwiseOpDef<K extends OpType> {
  readonly kind: 'elementwise';
  readonly lower: ElementwiseLowering<K>;
}

export interface AnchorOpDef<K extends OpType> {
  readonly kind: 'anchor';
  /** Whether an elementwise chain feeding only its first input may become its prologue. */
  readonly prologue: boolean;
  readonly emit: StepEmitter<K, 'anchor'>;
}

export interface NormalizeOpDef<K extends OpType> {
  readonly kind: 'normalize';
  readonly emit: StepEmitter<K, 'normalize'>;
}

export interface StandaloneOpDef<K extends OpType> {
  readonly kind: 'standalone';
  readonly emit: StepEmitter<K, 'standalone'>;
}

export interface ViewOpDef<K extends OpType> {
  readonly kind: 'view';
  /** The copy when its input is not dense. */
  readonly emit: StepEmitter<K, 'view'>;
}

export interface ConcatOpDef<K extends OpType> {
  readonly kind: 'concat';
  /** Whether members larger than the output are center-cropped to it (U-Net skips); such members are copied. */
  readonly centerCrop: (node: ValidatedNodeOf<K>) => boolean;
  /** Copies in the members placement could not host. */
  readonly emit: StepEmitter<K, 'concat'>;
}

/** What op K is to this compiler, and the function that lowers or emits it. */
export type WebGpuOpDef<K extends OpType> = ElementwiseOpDef<K> | AnchorOpDef<K> | NormalizeOpDef<K> | StandaloneOpDef<K> | ViewOpDef<K> | ConcatOpDef<K>;

export type WebGpuOpKind = WebGpuOpDef<OpType>['kind'];

/** Why the ops that read or write int32 values have no kernel here. */
const NO_INT32 = 'this adapter holds float32 buffers only (float16 graphs run in float32): it has no int32 tensors';

export const WEBGPU_OPS: { readonly [K in OpType]: WebGpuOpDef<K> | Unsupported } = {
  residual: { kind: 'elementwise', lower: lowerResidual },
  concat: { kind: 'concat', centerCrop: (node) => node.attrs.crop === 'center', emit: emitConcat },
  highway: { kind: 'elementwise', lower: lowerHighway },
  gate: { kind: 'elementwise', lower: lowerGate },
  add: { kind: 'elementwise', lower: lowerBinary('add') },
  sub: { kind: 'elementwise', lower: lowerBinary('sub') },
  mul: { kind: 'elementwise', lower: lowerBinary('mul') },
  div: { kind: 'elementwise', lower: lowerBinary('div') },
  floorDiv: unsupported(NO_INT32),
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
  reshape: { kind: 'view', emit: emitViewCopy },
  flatten: { kind: 'view', emit: emitViewCopy },
  transpose: { kind: 'elementwise', lower: lowerTranspose },
  slice: { kind: 'standalone', emit: emitSlice },
  cast: unsupported(NO_INT32),
  argMax: unsupported(NO_INT32),
  gatherNd: unsupported(`${NO_INT32}, and gatherNd reads int32 indices`),
};

/** Ops with a kernel here, in vocabulary order. */
export const WEBGPU_IMPLEMENTED_OPS: readonly OpType[] = implementedOps(WEBGPU_OPS);

/** The kind of `op` here; undefined when this adapter does not run it. */
export function webgpuOpKind(op: OpType): WebGpuOpKind | undefined {
  const def = WEBGPU_OPS[op];
  return isUnsupported(def) ? undefined : def.kind;
}

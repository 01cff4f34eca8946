/**
 * Every tfjs kernel: one table keyed by the op vocabulary, so an op added to core is a compile
 * error here until it has a kernel or an `unsupported(reason)` entry (the reason is what
 * `whyUnsupported` answers and what compiling such a graph reports).
 */
import { UnsupportedError, implementedOps, isUnsupported, type OpType, type Unsupported, type ValidatedNodeOf } from '@skipconn/core';
import type { AnyTfKernel, CompiledKernel, KernelContext, TfKernelConfig } from './kernel';
import { residualKernel } from './residual';
import { concatKernel } from './concat';
import { highwayKernel } from './highway';
import { gateKernel } from './gate';
import { addKernel } from './add';
import { subKernel } from './sub';
import { mulKernel } from './mul';
import { divKernel } from './div';
import { floorDivKernel } from './floor-div';
import { equalKernel } from './equal';
import { sqrtKernel } from './sqrt';
import { argMaxKernel } from './arg-max';
import { gatherNdKernel } from './gather-nd';
import { topKKernel } from './top-k';
import { reluKernel } from './relu';
import { geluKernel } from './gelu';
import { sigmoidKernel } from './sigmoid';
import { tanhKernel } from './tanh';
import { siluKernel } from './silu';
import { softmaxKernel } from './softmax';
import { clipKernel } from './clip';
import { hardSigmoidKernel } from './hard-sigmoid';
import { castKernel } from './cast';
import { eluKernel } from './elu';
import { denseKernel } from './dense';
import { matmulKernel } from './matmul';
import { conv2dKernel } from './conv2d';
import { convTranspose2dKernel } from './conv-transpose2d';
import { batchNormKernel } from './batch-norm';
import { layerNormKernel } from './layer-norm';
import { maxPool2dKernel } from './max-pool2d';
import { avgPool2dKernel } from './avg-pool2d';
import { globalAvgPoolKernel } from './global-avg-pool';
import { resizeKernel } from './resize';
import { padKernel } from './pad';
import { reshapeKernel } from './reshape';
import { flattenKernel } from './flatten';
import { transposeKernel } from './transpose';
import { sliceKernel } from './slice';

export const TFJS_KERNELS: { readonly [K in OpType]: TfKernelConfig<K> | Unsupported } = {
  residual: residualKernel,
  concat: concatKernel,
  highway: highwayKernel,
  gate: gateKernel,
  add: addKernel,
  sub: subKernel,
  mul: mulKernel,
  div: divKernel,
  floorDiv: floorDivKernel,
  equal: equalKernel,
  relu: reluKernel,
  gelu: geluKernel,
  sigmoid: sigmoidKernel,
  tanh: tanhKernel,
  silu: siluKernel,
  softmax: softmaxKernel,
  clip: clipKernel,
  hardSigmoid: hardSigmoidKernel,
  elu: eluKernel,
  sqrt: sqrtKernel,
  dense: denseKernel,
  matmul: matmulKernel,
  conv2d: conv2dKernel,
  convTranspose2d: convTranspose2dKernel,
  batchNorm: batchNormKernel,
  layerNorm: layerNormKernel,
  maxPool2d: maxPool2dKernel,
  avgPool2d: avgPool2dKernel,
  globalAvgPool: globalAvgPoolKernel,
  resize: resizeKernel,
  pad: padKernel,
  reshape: reshapeKernel,
  flatten: flattenKernel,
  transpose: transposeKernel,
  slice: sliceKernel,
  cast: castKernel,
  argMax: argMaxKernel,
  gatherNd: gatherNdKernel,
  topK: topKKernel,
};

/** The ops the tfjs kernels implement, in vocabulary order. */
export const TFJS_OPS: readonly OpType[] = implementedOps(TFJS_KERNELS);

const BY_OP: ReadonlyMap<string, AnyTfKernel> = new Map(Object.values<AnyTfKernel | Unsupported>(TFJS_KERNELS).flatMap((k) => (isUnsupported(k) ? [] : [[k.op, k] as const])));

/** The kernel of `op` (its layout policy for the planner), or undefined for an unknown or unsupported op. */
export function tfjsKernel(op: string): AnyTfKernel | undefined {
  return BY_OP.get(op);
}

/** Everything a kernel's compile gets besides its node (which carries the typed attrs). */
export type KernelEnv = Omit<KernelContext<OpType>, 'node' | 'attrs'>;

/**
 * Compiles one node with its op's kernel. Generic in the op, so the node's attrs reach the kernel
 * typed; a plain ValidatedNode is accepted too. An op the table declares unsupported throws with
 * the declared reason.
 */
export function compileTfjsKernel<K extends OpType>(node: ValidatedNodeOf<K>, env: KernelEnv): CompiledKernel {
  const kernel = TFJS_KERNELS[node.type];
  if (isUnsupported(kernel)) throw new UnsupportedError(`op '${node.type}' on tfjs (${kernel.reason})`, { node: node.spec.name, op: node.type }, TFJS_OPS);
  return kernel.compile({ ...env, node, attrs: node.attrs });
}

export type { TfKernelConfig, AnyTfKernel, KernelContext, CompiledKernel, Placement, InputRole, LayoutPolicy } from './kernel';

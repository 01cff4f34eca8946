/** Every tfjs kernel, one flat list (one entry per op of the core vocabulary). */
import type { TfKernelConfig } from './kernel';
import { residualKernel } from './residual';
import { concatKernel } from './concat';
import { highwayKernel } from './highway';
import { gateKernel } from './gate';
import { addKernel } from './add';
import { subKernel } from './sub';
import { mulKernel } from './mul';
import { divKernel } from './div';
import { reluKernel } from './relu';
import { geluKernel } from './gelu';
import { sigmoidKernel } from './sigmoid';
import { tanhKernel } from './tanh';
import { siluKernel } from './silu';
import { softmaxKernel } from './softmax';
import { clipKernel } from './clip';
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

export const TFJS_KERNELS: readonly TfKernelConfig[] = [
  residualKernel, concatKernel, highwayKernel, gateKernel,
  addKernel, subKernel, mulKernel, divKernel,
  reluKernel, geluKernel, sigmoidKernel, tanhKernel, siluKernel, softmaxKernel, clipKernel,
  denseKernel, matmulKernel, conv2dKernel, convTranspose2dKernel,
  batchNormKernel, layerNormKernel,
  maxPool2dKernel, avgPool2dKernel, globalAvgPoolKernel, resizeKernel, padKernel,
  reshapeKernel, flattenKernel, transposeKernel,
];

const BY_OP = new Map<string, TfKernelConfig>(TFJS_KERNELS.map((k) => [k.op, k]));

export function tfjsKernel(op: string): TfKernelConfig | undefined {
  return BY_OP.get(op);
}

export const TFJS_OPS: readonly string[] = TFJS_KERNELS.map((k) => k.op);

export type { TfKernelConfig, KernelContext, CompiledKernel, Placement, InputRole, LayoutPolicy } from './kernel';

/** Every reference kernel, one flat list. Each op in ops/index.ts has exactly one entry here. */
import type { ReferenceKernel } from '../kernel';
import { addKernel, subKernel, mulKernel, divKernel } from './binary';
import { reluKernel, geluKernel, sigmoidKernel, tanhKernel, siluKernel, clipKernel } from './unary';
import { softmaxKernel } from './softmax';
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
import { residualKernel } from './residual';
import { concatKernel } from './concat';
import { highwayKernel } from './highway';
import { gateKernel } from './gate';

export const REFERENCE_KERNELS: readonly ReferenceKernel[] = [
  residualKernel, concatKernel, highwayKernel, gateKernel,
  addKernel, subKernel, mulKernel, divKernel,
  reluKernel, geluKernel, sigmoidKernel, tanhKernel, siluKernel, softmaxKernel, clipKernel,
  denseKernel, matmulKernel, conv2dKernel, convTranspose2dKernel,
  batchNormKernel, layerNormKernel,
  maxPool2dKernel, avgPool2dKernel, globalAvgPoolKernel, resizeKernel, padKernel,
  reshapeKernel, flattenKernel, transposeKernel,
];

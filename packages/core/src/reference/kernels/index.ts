/** Every reference kernel: the oracle implements every op, so this table has no Unsupported entries. */
import type { ReferenceKernel } from '../kernel';
import type { OpType } from '../../ops';
import { addKernel, subKernel, mulKernel, divKernel, floorDivKernel, equalKernel } from './binary';
import { topKKernel } from './top-k';
import { argMaxKernel } from './arg-max';
import { gatherNdKernel } from './gather-nd';
import { reluKernel, geluKernel, sigmoidKernel, tanhKernel, siluKernel, clipKernel, hardSigmoidKernel, castKernel, eluKernel, sqrtKernel } from './unary';
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
import { sliceKernel } from './slice';
import { residualKernel } from './residual';
import { concatKernel } from './concat';
import { highwayKernel } from './highway';
import { gateKernel } from './gate';

export const REFERENCE_KERNELS: { readonly [K in OpType]: ReferenceKernel<K> } = {
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

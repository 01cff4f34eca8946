/**
 * Layout plan for export. It is the adapters' layout pass (src/plan/layout.ts) with the placements
 * Keras layers need: Conv2D, pooling, UpSampling2D, ZeroPadding2D and BatchNormalization work on
 * channels-last tensors, so for NCHW values those ops take channels-last storage; elementwise ops,
 * activations and the merges follow their inputs; Reshape, Flatten, Dense, matmul and
 * LayerNormalization need logical order. An NCHW graph thus gets a Permute at its inputs and
 * outputs (or before a flatten) and none around its ops.
 */
import type { ValidatedGraph } from '@skipconn/core';
import type { LayoutPolicy } from '../../kernels/kernel';
import { planLayouts, type LayoutPlan } from '../../plan/layout';

const CHANNELS_LAST: LayoutPolicy = { placement: 'channelsLast' };
const FOLLOW: LayoutPolicy = { placement: 'follow' };
const LOGICAL: LayoutPolicy = { placement: 'logical' };
const BROADCAST: LayoutPolicy = { placement: 'follow', inputRole: () => 'broadcast' };

export const EXPORT_POLICIES: Readonly<Record<string, LayoutPolicy>> = {
  residual: { placement: 'follow', inputRole: (i) => (i < 2 ? 'data' : 'param') },
  concat: FOLLOW,
  highway: FOLLOW,
  gate: FOLLOW,
  add: BROADCAST,
  sub: BROADCAST,
  mul: BROADCAST,
  div: BROADCAST,
  relu: FOLLOW,
  gelu: FOLLOW,
  sigmoid: FOLLOW,
  tanh: FOLLOW,
  silu: FOLLOW,
  clip: FOLLOW,
  softmax: FOLLOW,
  dense: LOGICAL,
  matmul: LOGICAL,
  conv2d: CHANNELS_LAST,
  convTranspose2d: CHANNELS_LAST,
  batchNorm: CHANNELS_LAST,
  layerNorm: LOGICAL,
  maxPool2d: CHANNELS_LAST,
  avgPool2d: CHANNELS_LAST,
  globalAvgPool: CHANNELS_LAST,
  resize: CHANNELS_LAST,
  pad: CHANNELS_LAST,
  reshape: LOGICAL,
  flatten: LOGICAL,
  transpose: { placement: 'any' },
};

export const EXPORTABLE_OPS: readonly string[] = Object.keys(EXPORT_POLICIES);

export function planExport(vg: ValidatedGraph): LayoutPlan {
  return planLayouts(vg, (op) => EXPORT_POLICIES[op], EXPORTABLE_OPS);
}

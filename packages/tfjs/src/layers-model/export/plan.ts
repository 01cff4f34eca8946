/**
 * What the LayersModel export does with each op: one table keyed by the op vocabulary, each
 * entry the op's layout policy and its emitter (so the two cannot drift apart), or
 * `unsupported(reason)` for an op Keras layers cannot write; a new op in core is a compile error
 * here until it has one.
 *
 * The policies are the adapters' layout pass (src/plan/layout.ts) with the placements Keras
 * layers need: Conv2D, pooling, UpSampling2D, ZeroPadding2D and BatchNormalization work on
 * channels-last tensors, so for NCHW values those ops take channels-last storage; elementwise ops,
 * activations and the merges follow their inputs; Reshape, Flatten, Dense, matmul and
 * LayerNormalization need logical order. An NCHW graph thus gets a Permute at its inputs and
 * outputs (or before a flatten) and none around its ops.
 */
import { UnsupportedError, implementedOps, isOpType, isUnsupported, unsupportedReason, type OpTable, type OpType, type Unsupported, type ValidatedGraph } from '@skipconn/core';
import type { LayoutPolicy } from '../../kernels/kernel';
import { planLayouts, type LayoutPlan } from '../../plan/layout';
import type { Emitter } from './context';
import * as image from './ops-image';
import * as other from './ops-other';

/** How the export writes op K: where its inputs are stored, and the Keras layers it becomes. */
export interface LayersModelOpExport<K extends OpType> {
  readonly policy: LayoutPolicy;
  readonly emit: Emitter<K>;
}

const CHANNELS_LAST: LayoutPolicy = { placement: 'channelsLast' };
const FOLLOW: LayoutPolicy = { placement: 'follow' };
const LOGICAL: LayoutPolicy = { placement: 'logical' };
const BROADCAST: LayoutPolicy = { placement: 'follow', inputRole: () => 'broadcast' };

export const LAYERS_MODEL_EXPORTS: { readonly [K in OpType]: LayersModelOpExport<K> | Unsupported } = {
  residual: { policy: { placement: 'follow', inputRole: (i) => (i < 2 ? 'data' : 'param') }, emit: other.residual },
  concat: { policy: FOLLOW, emit: other.concat },
  highway: { policy: FOLLOW, emit: other.highway },
  gate: { policy: FOLLOW, emit: other.gate },
  add: { policy: BROADCAST, emit: other.add },
  sub: { policy: BROADCAST, emit: other.sub },
  mul: { policy: BROADCAST, emit: other.mul },
  div: { policy: BROADCAST, emit: other.div },
  relu: { policy: FOLLOW, emit: other.relu },
  gelu: { policy: FOLLOW, emit: other.gelu },
  sigmoid: { policy: FOLLOW, emit: other.sigmoid },
  tanh: { policy: FOLLOW, emit: other.tanh },
  silu: { policy: FOLLOW, emit: other.silu },
  softmax: { policy: FOLLOW, emit: other.softmax },
  clip: { policy: FOLLOW, emit: other.clip },
  hardSigmoid: { policy: FOLLOW, emit: other.hardSigmoid },
  elu: { policy: FOLLOW, emit: other.elu },
  sqrt: { policy: FOLLOW, emit: other.sqrt },
  dense: { policy: LOGICAL, emit: other.dense },
  matmul: { policy: LOGICAL, emit: other.matmul },
  conv2d: { policy: CHANNELS_LAST, emit: image.conv2d },
  convTranspose2d: { policy: CHANNELS_LAST, emit: image.convTranspose2d },
  batchNorm: { policy: CHANNELS_LAST, emit: image.batchNorm },
  layerNorm: { policy: LOGICAL, emit: other.layerNorm },
  maxPool2d: { policy: CHANNELS_LAST, emit: image.maxPool2d },
  avgPool2d: { policy: CHANNELS_LAST, emit: image.avgPool2d },
  globalAvgPool: { policy: CHANNELS_LAST, emit: image.globalAvgPool },
  resize: { policy: CHANNELS_LAST, emit: image.resize },
  pad: { policy: CHANNELS_LAST, emit: image.pad },
  reshape: { policy: LOGICAL, emit: other.reshape },
  flatten: { policy: LOGICAL, emit: other.flatten },
  transpose: { policy: { placement: 'any' }, emit: other.transpose },
  slice: { policy: FOLLOW, emit: other.slice },
  cast: { policy: FOLLOW, emit: other.cast },
  floorDiv: { policy: BROADCAST, emit: other.floorDiv },
  argMax: { policy: LOGICAL, emit: other.argMax },
  gatherNd: { policy: LOGICAL, emit: other.gatherNd },
  equal: { policy: BROADCAST, emit: other.equal },
  topK: { policy: LOGICAL, emit: other.topK },
};

/** The ops a LayersModel export writes, in vocabulary order. */
export const EXPORTABLE_OPS: readonly OpType[] = implementedOps(LAYERS_MODEL_EXPORTS);

/**
 * Throws UnsupportedError, quoting the table's reason, for the first node whose op the export
 * cannot write. `table` is the export table (another one only in tests of this check).
 */
export function checkExportable(vg: ValidatedGraph, table: OpTable = LAYERS_MODEL_EXPORTS): void {
  for (const node of vg.nodes) {
    const why = unsupportedReason(table, node.spec.op);
    if (why !== undefined) throw new UnsupportedError(`op '${node.spec.op}' in a LayersModel export (${why})`, { node: node.spec.name, op: node.spec.op }, implementedOps(table));
  }
}

export function planExport(vg: ValidatedGraph): LayoutPlan {
  return planLayouts(
    vg,
    (op) => {
      if (!isOpType(op)) return undefined;
      const entry = LAYERS_MODEL_EXPORTS[op];
      return isUnsupported(entry) ? entry : entry.policy;
    },
    EXPORTABLE_OPS,
  );
}

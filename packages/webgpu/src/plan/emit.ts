/**
 * From placed steps to kernel calls: each call names a generated shader, its spec (shapes,
 * strides, offsets and bindings baked in) and the buffers of its bindings. A fused expression is
 * one elementwise call; every other step is one node, emitted by its op's entry in WEBGPU_OPS
 * (the emitters are under ./emitters/, one file per op or family, sharing ./emitters/context.ts).
 */
import { isUnsupported, type OpType, type ValidatedGraph, type ValidatedNodeOf } from '@skipconn/core';
import { createEmitContext, type EmitContext, type KernelCall } from './emitters/context';
import type { ConvSettings } from './emitters/conv';
import { WEBGPU_OPS } from './ops';
import type { BufRef, Placement } from './placement';
import type { NodeStep } from './steps';

export type { KernelCall } from './emitters/context';
export type { ConvSettings } from './emitters/conv';

export interface Emitted {
  readonly calls: readonly KernelCall[];
  /** Constants the kernels need beyond the graph's weights (resize tables). */
  readonly constants: ReadonlyMap<string, Float32Array>;
}

/** Emits one node's step through its op's entry; the step's kind is the one the fusion pass took from that entry. */
function emitNodeStep<K extends OpType>(node: ValidatedNodeOf<K>, step: NodeStep, label: string, ctx: EmitContext): void {
  const def = WEBGPU_OPS[node.type];
  if (isUnsupported(def)) throw new Error(`internal: no webgpu kernel for op '${node.type}' (${def.reason})`);
  switch (def.kind) {
    case 'anchor':
      if (step.kind === 'anchor') return def.emit(node, step, label, ctx);
      break;
    case 'normalize':
      if (step.kind === 'normalize') return def.emit(node, step, label, ctx);
      break;
    case 'standalone':
      if (step.kind === 'standalone') return def.emit(node, step, label, ctx);
      break;
    case 'view':
      if (step.kind === 'view') return def.emit(node, step, label, ctx);
      break;
    case 'concat':
      if (step.kind === 'concat') return def.emit(node, step, label, ctx);
      break;
    case 'elementwise':
      // Lowered into 'ewise' steps (or an anchor's epilogue) by the fusion pass.
      break;
  }
  throw new Error(`internal: a '${step.kind}' step for op '${node.type}', whose kind is '${def.kind}'`);
}

/**
 * Kernel choices: the convolution knobs, `gemv` (default true) for one-row products on the
 * matrix-vector kernel, and `halfWeights`, the weights stored as packed float16 (see
 * ./half-weights.ts, which decides which may be).
 */
export interface EmitSettings {
  readonly conv?: ConvSettings;
  readonly gemv?: boolean;
  readonly halfWeights?: ReadonlySet<string>;
}

export function emitCalls(vg: ValidatedGraph, placement: Placement, physical: (ref: BufRef) => string, settings: EmitSettings = {}): Emitted {
  const { ctx, calls } = createEmitContext(vg, placement, physical, settings.conv ?? {}, settings.gemv ?? true, settings.halfWeights ?? new Set());
  placement.steps.forEach((step, index) => {
    const label = step.nodes.join('+') || step.outs.join(',');
    if (step.kind === 'ewise') {
      ctx.ewise(label, step.fused, placement.loc(step.outs[0]!));
      return;
    }
    // A view placement could make is no kernel at all.
    if (step.kind === 'view' && !placement.aliasCopies.has(index)) return;
    emitNodeStep(step.node, step, label, ctx);
  });
  return { calls, constants: ctx.constants };
}

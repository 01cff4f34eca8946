/** reshape and flatten: views of their input's memory, except when that input is not dense. */
import { stridesOf } from '@skipconn/core';
import { copyFused } from '../fused';
import type { AnyStepEmitter } from './context';

/**
 * The copy for a view placement could not make (its input is strided, e.g. a concat slice).
 * Reads no attributes: the output has the same elements in the same row-major order, so the dense
 * output is written as if it had the input's shape.
 */
export const emitViewCopy: AnyStepEmitter<'view'> = (node, step, label, ctx) => {
  const src = ctx.loc(node.spec.inputs[0]!);
  const dst = ctx.loc(step.outs[0]!);
  ctx.ewise(label, copyFused(node.spec.inputs[0]!), { ...dst, shape: src.shape, strides: stridesOf(src.shape) });
};

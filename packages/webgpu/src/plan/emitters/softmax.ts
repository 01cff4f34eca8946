/** softmax: one workgroup per row along the resolved axis. */
import { resolveSoftmaxAxis } from '@skipconn/core';
import { softmaxShader } from '../../kernels/softmax';
import { geometry } from '../../kernels/wgsl';
import { size, type StepEmitter } from './context';

export const emitSoftmax: StepEmitter<'softmax', 'standalone'> = (node, _step, label, ctx) => {
  const binder = ctx.binder();
  const x = binder.view(ctx.loc(node.spec.inputs[0]!));
  const out = binder.view(ctx.loc(node.spec.outputs[0]!), true);
  const axis = resolveSoftmaxAxis(node.attrs, node.inputs[0]!, { node: node.spec.name, op: node.spec.op });
  const len = x.shape[axis]!;
  const rows = size(x.shape) / Math.max(1, len);
  if (size(x.shape) === 0) return;
  const wg = len >= 256 ? 256 : len >= 64 ? 64 : 32;
  ctx.call(label, softmaxShader, binder, ctx.withBindings(binder, { bindings: [], wg, gx: geometry(rows).gx, x, out, axis }), rows);
};

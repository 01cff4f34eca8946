/** argMax: one thread per reduced row (kernels/arg-max.ts). */
import { normalizeAxis } from '@skipconn/core';
import { argMaxShader } from '../../kernels/arg-max';
import { size, type StepEmitter } from './context';

export const emitArgMax: StepEmitter<'argMax', 'standalone'> = (node, _step, label, ctx) => {
  const binder = ctx.binder();
  const x = binder.view(ctx.loc(node.spec.inputs[0]!));
  const o = binder.view(ctx.loc(node.spec.outputs[0]!), true);
  const axis = normalizeAxis(node.attrs.axis, x.shape.length, { node: node.spec.name, op: node.spec.op });
  const rowsShape = x.shape.map((d, a) => (a === axis ? 1 : d));
  const rows = { ...x, shape: rowsShape };
  // Without keepDims the output lacks the axis: put it back at size 1 (its stride is never used).
  const out = node.attrs.keepDims ? o : { ...o, shape: rowsShape, strides: [...o.strides.slice(0, axis), 0, ...o.strides.slice(axis)] };
  ctx.items(label, argMaxShader, binder, size(rowsShape), (base) => ctx.withBindings(binder, { ...base, rows, out, length: x.shape[axis]!, stride: x.strides[axis]! }));
};

/** slice: a strided copy from a window view of the input (core resolves the bounds). */
import { sliceWindow } from '@skipconn/core';
import { sliceShader } from '../../kernels/slice';
import { size, type StepEmitter } from './context';

export const emitSlice: StepEmitter<'slice', 'standalone'> = (node, _step, label, ctx) => {
  const binder = ctx.binder();
  const x = binder.view(ctx.loc(node.spec.inputs[0]!));
  const out = binder.view(ctx.loc(node.spec.outputs[0]!), true);
  const { starts, steps, sizes } = sliceWindow(node.attrs, x.shape, { node: node.spec.name, op: node.spec.op });
  if (size(sizes) === 0) return;
  // The lowest input index read on each axis: the start, or the last element of a backward walk.
  const lows = starts.map((s, a) => (steps[a]! > 0 ? s : s + (sizes[a]! - 1) * steps[a]!));
  const window = {
    b: x.b,
    off: x.off + lows.reduce((sum, low, a) => sum + low * x.strides[a]!, 0),
    shape: [...sizes],
    strides: x.strides.map((s, a) => s * Math.abs(steps[a]!)),
  };
  const reversed = steps.flatMap((s, a) => (s < 0 && sizes[a]! > 1 ? [a] : []));
  ctx.items(label, sliceShader, binder, size(sizes), (base) => ctx.withBindings(binder, { ...base, window, out, reversed }));
};

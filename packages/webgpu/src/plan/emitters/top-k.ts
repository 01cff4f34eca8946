/** topK: one workgroup per row of the last axis (kernels/top-k.ts). */
import { topKShader } from '../../kernels/top-k';
import { geometry } from '../../kernels/wgsl';
import { size, type StepEmitter } from './context';

export const emitTopK: StepEmitter<'topK', 'standalone'> = (node, _step, label, ctx) => {
  const binder = ctx.binder();
  const x = binder.view(ctx.loc(node.spec.inputs[0]!));
  const values = binder.view(ctx.loc(node.spec.outputs[0]!), true);
  const indices = binder.view(ctx.loc(node.spec.outputs[1]!), true);
  const last = x.shape.length - 1;
  const k = node.attrs.k;
  const rowsShape = x.shape.map((d, a) => (a === last ? 1 : d));
  const rows = size(rowsShape);
  if (k === 0 || rows === 0) return;
  const atRowStart = (v: typeof x) => ({ ...v, shape: rowsShape });
  const spec = {
    bindings: [],
    wg: 256,
    gx: geometry(rows).gx,
    rows: atRowStart(x),
    length: x.shape[last]!,
    stride: x.strides[last]!,
    k,
    values: atRowStart(values),
    valuesStride: values.strides[last]!,
    indices: atRowStart(indices),
    indicesStride: indices.strides[last]!,
  };
  ctx.call(label, topKShader, binder, ctx.withBindings(binder, spec), rows);
};

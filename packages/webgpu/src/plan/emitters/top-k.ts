/** topK: one workgroup per row of the last axis, or one invocation per element of short rows (kernels/top-k.ts). */
import { TOP_K_RANK_MAX, topKRankShader, topKShader } from '../../kernels/top-k';
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
  const length = x.shape[last]!;
  const common = {
    rows: atRowStart(x),
    length,
    stride: x.strides[last]!,
    k,
    values: atRowStart(values),
    valuesStride: values.strides[last]!,
    indices: atRowStart(indices),
    indicesStride: indices.strides[last]!,
  };
  if (length <= TOP_K_RANK_MAX) {
    ctx.items(label, topKRankShader, binder, rows * length, (base) => ctx.withBindings(binder, { ...base, ...common }));
    return;
  }
  ctx.call(label, topKShader, binder, ctx.withBindings(binder, { bindings: [], wg: 256, gx: geometry(rows).gx, ...common }), rows);
};

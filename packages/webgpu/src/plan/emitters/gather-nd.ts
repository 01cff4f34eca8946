/** gatherNd: one thread per output element (kernels/gather-nd.ts). */
import { gatherNdShader } from '../../kernels/gather-nd';
import { size, type StepEmitter } from './context';

export const emitGatherNd: StepEmitter<'gatherNd', 'standalone'> = (node, _step, label, ctx) => {
  const binder = ctx.binder();
  const x = binder.view(ctx.loc(node.spec.inputs[0]!));
  const indices = binder.view(ctx.loc(node.spec.inputs[1]!));
  const out = binder.view(ctx.loc(node.spec.outputs[0]!), true);
  ctx.items(label, gatherNdShader, binder, size(out.shape), (base) => ctx.withBindings(binder, { ...base, x, indices, out }));
};

/** resize: a gather through a per-axis sampling table computed on the host (the reference's own). */
import { resizeShader } from '../../kernels/resize';
import { resizeTable } from '../resize-table';
import { size, type StepEmitter } from './context';

export const emitResize: StepEmitter<'resize', 'standalone'> = (node, _step, label, ctx) => {
  const binder = ctx.binder();
  const { layout, xv, ov } = ctx.image(binder, node);
  const a = node.attrs;
  const name = `${node.spec.name}#resize`;
  const [, , ih, iw] = xv.shape as [number, number, number, number];
  const [, , oh, ow] = ov.shape as [number, number, number, number];
  ctx.constants.set(name, resizeTable(a, [ih, iw], [oh, ow]));
  const table = { b: binder.bind({ k: 'const', name }), off: 0 };
  ctx.items(label, resizeShader, binder, size(ov.shape), (base) =>
    ctx.withBindings(binder, {
      ...base,
      x: xv,
      out: ov,
      order: layout,
      table,
      nearest: a.mode === 'nearest',
    }),
  );
};

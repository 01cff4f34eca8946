/** pad: one thread per output element, reading the input or the padding value. */
import { padShader } from '../../kernels/pad';
import { size, type StepEmitter } from './context';

export const emitPad: StepEmitter<'pad', 'standalone'> = (node, _step, label, ctx) => {
  const binder = ctx.binder();
  const { layout, xv, ov } = ctx.image(binder, node);
  const a = node.attrs;
  ctx.items(label, padShader, binder, size(ov.shape), (base) =>
    ctx.withBindings(binder, {
      ...base,
      x: xv,
      out: ov,
      order: layout,
      pads: [a.pads[0], a.pads[1]],
      mode: a.mode,
      value: a.value,
    }),
  );
};

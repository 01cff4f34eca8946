/** The pooling kernels: one thread per output element (globalAvgPool: per image channel). */
import { avgPool2dShader } from '../../kernels/avg-pool2d';
import { globalAvgPoolShader } from '../../kernels/global-avg-pool';
import { maxPool2dShader } from '../../kernels/max-pool2d';
import { size, type AnyStepEmitter, type StepEmitter } from './context';

export const emitMaxPool2d: StepEmitter<'maxPool2d', 'standalone'> = (node, _step, label, ctx) => {
  const binder = ctx.binder();
  const { layout, xv, ov } = ctx.image(binder, node);
  const a = node.attrs;
  ctx.items(label, maxPool2dShader, binder, size(ov.shape), (base) =>
    ctx.withBindings(binder, {
      ...base,
      x: xv,
      out: ov,
      order: layout,
      kernel: a.kernel,
      strides: a.strides,
      pads: [a.pads[0], a.pads[1]],
      dilations: a.dilations,
    }),
  );
};

export const emitAvgPool2d: StepEmitter<'avgPool2d', 'standalone'> = (node, _step, label, ctx) => {
  const binder = ctx.binder();
  const { layout, xv, ov } = ctx.image(binder, node);
  const a = node.attrs;
  ctx.items(label, avgPool2dShader, binder, size(ov.shape), (base) =>
    ctx.withBindings(binder, {
      ...base,
      x: xv,
      out: ov,
      order: layout,
      kernel: a.kernel,
      strides: a.strides,
      pads: a.pads,
      countIncludePad: a.countIncludePad,
    }),
  );
};

/** Reads no attributes (globalAvgPool has none). */
export const emitGlobalAvgPool: AnyStepEmitter<'standalone'> = (node, _step, label, ctx) => {
  const binder = ctx.binder();
  const { xv, ov } = ctx.image(binder, node);
  ctx.items(label, globalAvgPoolShader, binder, xv.shape[0]! * xv.shape[1]!, (base) => ctx.withBindings(binder, { ...base, x: xv, out: ov }));
};

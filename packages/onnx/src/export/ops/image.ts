/**
 * Export of image ops. They all run on NCHW data in ONNX; an NHWC value arrives permuted (see
 * ExportContext) and its output stays permuted, so no Transpose appears between image ops.
 * Weights are [O, I/g, kH, kW] in the IR for every layout, which is ONNX's order already.
 */
import { GraphError, tensor } from '@skipconn/core';
import type { ExportContext } from '../context';
import type { OpExporter } from './types';

/** Runs an NCHW op: input in NCHW form, output defined permuted when the IR value is NHWC. */
function imageOp(
  ctx: ExportContext,
  node: Parameters<OpExporter>[0],
  emit: (x: string, out: string) => void,
): void {
  const x = node.spec.inputs[0]!;
  const out = node.spec.outputs[0]!;
  const permuted = node.outputs[0]!.layout === 'NHWC';
  const name = ctx.outputName(out, permuted);
  emit(ctx.nchw(x), name);
  ctx.define(out, name, permuted);
}

const conv2d: OpExporter = (node, ctx) => {
  const [, w, b] = node.spec.inputs;
  const a = node.attrs;
  const kernel = ctx.info(w!).shape.slice(2);
  imageOp(ctx, node, (x, out) =>
    ctx.node('Conv', [x, ctx.get(w!), ...(b !== undefined ? [ctx.get(b)] : [])], [out], {
      dilations: a.dilations, group: a.groups, kernel_shape: kernel, pads: a.pads, strides: a.strides,
    }, node.spec.name),
  );
};

const convTranspose2d: OpExporter = (node, ctx) => {
  const [, w, b] = node.spec.inputs;
  const a = node.attrs;
  const kernel = ctx.info(w!).shape.slice(2);
  imageOp(ctx, node, (x, out) =>
    ctx.node('ConvTranspose', [x, ctx.get(w!), ...(b !== undefined ? [ctx.get(b)] : [])], [out], {
      dilations: a.dilations, group: a.groups, kernel_shape: kernel, output_padding: a.outputPadding, pads: a.pads, strides: a.strides,
    }, node.spec.name),
  );
};

const maxPool2d: OpExporter = (node, ctx) => {
  const a = node.attrs;
  imageOp(ctx, node, (x, out) =>
    ctx.node('MaxPool', [x], [out], {
      ceil_mode: a.ceilMode ? 1 : 0, dilations: a.dilations, kernel_shape: a.kernel, pads: a.pads, strides: a.strides,
    }, node.spec.name),
  );
};

const avgPool2d: OpExporter = (node, ctx) => {
  const a = node.attrs;
  imageOp(ctx, node, (x, out) =>
    ctx.node('AveragePool', [x], [out], {
      ceil_mode: a.ceilMode ? 1 : 0, count_include_pad: a.countIncludePad ? 1 : 0, kernel_shape: a.kernel, pads: a.pads, strides: a.strides,
    }, node.spec.name),
  );
};

const globalAvgPool: OpExporter = (node, ctx) => {
  imageOp(ctx, node, (x, out) => ctx.node('GlobalAveragePool', [x], [out], {}, node.spec.name));
};

const resize: OpExporter = (node, ctx) => {
  const a = node.attrs;
  const xInfo = ctx.info(node.spec.inputs[0]!);
  const outInfo = node.outputs[0]!;
  const nchwOut = outInfo.layout === 'NHWC' ? [outInfo.shape[0]!, outInfo.shape[3]!, outInfo.shape[1]!, outInfo.shape[2]!] : [...outInfo.shape];
  const c = xInfo.layout === 'NHWC' ? xInfo.shape[3]! : xInfo.shape[1]!;
  const sizeInputs = a.scales !== undefined
    ? ['', ctx.constant('scales', tensor('float32', [4], [1, 1, a.scales[0], a.scales[1]]))]
    : ['', '', ctx.int64s('sizes', [nchwOut[0]!, c, nchwOut[2]!, nchwOut[3]!])];
  imageOp(ctx, node, (x, out) =>
    ctx.node('Resize', [x, ...sizeInputs], [out], {
      coordinate_transformation_mode: a.coordinateTransform,
      mode: a.mode === 'bilinear' ? 'linear' : 'nearest',
      nearest_mode: a.mode === 'nearest' ? a.nearestMode : undefined,
    }, node.spec.name),
  );
};

const pad: OpExporter = (node, ctx) => {
  const a = node.attrs;
  const [top, left, bottom, right] = a.pads as number[];
  const dtype = node.outputs[0]!.dtype;
  const inputs = [ctx.int64s('pads', [0, 0, top!, left!, 0, 0, bottom!, right!])];
  if (a.mode === 'constant' && a.value !== 0) inputs.push(ctx.scalar(a.value, dtype));
  imageOp(ctx, node, (x, out) => ctx.node('Pad', [x, ...inputs], [out], { mode: a.mode }, node.spec.name));
};

const batchNorm: OpExporter = (node, ctx) => {
  const [x, ...params] = node.spec.inputs as [string, ...string[]];
  const out = node.spec.outputs[0]!;
  const layout = node.outputs[0]!.layout;
  const p = params.map((v) => ctx.get(v));
  const attrs = { epsilon: { float: node.attrs.epsilon as number } };
  if (layout === 'NCHW' || layout === 'NHWC') {
    imageOp(ctx, node, (xin, o) => ctx.node('BatchNormalization', [xin, ...p], [o], attrs, node.spec.name));
  } else if (layout === 'NC') {
    ctx.node('BatchNormalization', [ctx.get(x), ...p], [out], attrs, node.spec.name);
    ctx.define(out, out);
  } else if (layout === 'NTC') {
    // ONNX normalizes axis 1; NTC has channels last, so run on [N, C, T] between two Transposes.
    const t1 = ctx.temp(`${out}__nct`);
    const t2 = ctx.temp(`${out}__bn`);
    ctx.node('Transpose', [ctx.get(x)], [t1], { perm: [0, 2, 1] });
    ctx.node('BatchNormalization', [t1, ...p], [t2], attrs, node.spec.name);
    ctx.node('Transpose', [t2], [out], { perm: [0, 2, 1] });
    ctx.define(out, out);
  } else {
    throw new GraphError('UNSUPPORTED', { node: node.spec.name, op: 'batchNorm' }, 'cannot export batchNorm without a layout', { expected: 'NCHW, NHWC, NC or NTC', received: String(layout) });
  }
};

export const IMAGE_EXPORTERS: Record<string, OpExporter> = {
  conv2d, convTranspose2d, maxPool2d, avgPool2d, globalAvgPool, resize, pad, batchNorm,
};

/**
 * Export of image ops. They all run on NCHW data in ONNX; an NHWC value arrives permuted (see
 * ExportContext) and its output stays permuted, so no Transpose appears between image ops.
 * Weights are [O, I/g, kH, kW] in the IR for every layout, which is ONNX's order already.
 */
import { GraphError, fromFloat64, layoutAxes, sizeOf, tensor, toFloat64, type HostTensor, type ValidatedNode, type ValidatedNodeOf } from '@skipconn/core';
import type { ExportContext } from '../context';
import type { OpExporter } from './types';

/** Runs an NCHW op: input in NCHW form, output defined permuted when the IR value is NHWC. */
function imageOp(ctx: ExportContext, node: ValidatedNode, emit: (x: string, out: string) => void): void {
  const x = node.spec.inputs[0]!;
  const out = node.spec.outputs[0]!;
  const permuted = node.outputs[0]!.layout === 'NHWC';
  const name = ctx.outputName(out, permuted);
  emit(ctx.nchw(x), name);
  ctx.define(out, name, permuted);
}

/**
 * Outputs that are known at export time because the input is empty (a conv over zero input
 * channels is its bias; a mean over zero pixels is NaN). onnxruntime reads uninitialized memory or
 * refuses such shapes, so they become constants; the IR defines the values.
 */
function constantOutput(ctx: ExportContext, node: ValidatedNode, valueAt: (channel: number) => number): void {
  const out = node.spec.outputs[0]!;
  const info = node.outputs[0]!;
  const c = info.layout === 'NHWC' ? 3 : 1;
  const inner = sizeOf(info.shape.slice(c + 1));
  const values = new Float64Array(sizeOf(info.shape));
  for (let i = 0; i < values.length; i++) values[i] = valueAt(Math.floor(i / inner) % info.shape[c]!);
  const t: HostTensor = fromFloat64(info.dtype, info.shape, values);
  const name = ctx.constant(`${out}__const`, t);
  ctx.node('Identity', [name], [out], {}, node.spec.name);
  ctx.define(out, out);
}

const conv2d: OpExporter<'conv2d'> = (node, ctx) => {
  const [x, w, b] = node.spec.inputs;
  const a = node.attrs;
  const xInfo = ctx.info(x!);
  if (xInfo.shape[xInfo.layout === 'NHWC' ? 3 : 1] === 0) {
    const bias = b !== undefined ? ctx.weight(b) : undefined;
    if (b === undefined || bias !== undefined) {
      const bv = bias === undefined ? undefined : toFloat64(bias);
      constantOutput(ctx, node, (ch) => bv?.[ch] ?? 0);
      return;
    }
  }
  const kernel = ctx.info(w!).shape.slice(2);
  imageOp(ctx, node, (x, out) =>
    ctx.node(
      'Conv',
      [x, ctx.get(w!), ...(b !== undefined ? [ctx.get(b)] : [])],
      [out],
      {
        dilations: a.dilations,
        group: a.groups,
        kernel_shape: kernel,
        pads: a.pads,
        strides: a.strides,
      },
      node.spec.name,
    ),
  );
};

const convTranspose2d: OpExporter<'convTranspose2d'> = (node, ctx) => {
  const [, w, b] = node.spec.inputs;
  const a = node.attrs;
  const kernel = ctx.info(w!).shape.slice(2);
  imageOp(ctx, node, (x, out) =>
    ctx.node(
      'ConvTranspose',
      [x, ctx.get(w!), ...(b !== undefined ? [ctx.get(b)] : [])],
      [out],
      {
        dilations: a.dilations,
        group: a.groups,
        kernel_shape: kernel,
        output_padding: a.outputPadding,
        pads: a.pads,
        strides: a.strides,
      },
      node.spec.name,
    ),
  );
};

/**
 * The pads [top, left, bottom, right] with which a floor-mode pool has the windows of this
 * ceil-mode pool, or undefined when that needs an end pad of a kernel or more (onnxruntime
 * refuses pads that large). Floor mode gives floor((in + begin + end - span) / stride) + 1
 * windows, so an end pad of (out - 1) * stride + span - in - begin (at least 0) gives the `out`
 * that shape inference found for ceil mode, window for window; the windows past the input only
 * cover padding, which max pooling and an average without countIncludePad ignore.
 */
function floorModePads(node: ValidatedNode, kernel: readonly number[], strides: readonly number[], pads: readonly number[], dilations: readonly number[]): number[] | undefined {
  const spatial = (v: ValidatedNode['inputs'][number]) => layoutAxes(v.layout ?? 'NCHW').spatial.map((a) => v.shape[a]!);
  const input = spatial(node.inputs[0]!);
  const output = spatial(node.outputs[0]!);
  const result = [...pads];
  for (const axis of [0, 1]) {
    const span = dilations[axis]! * (kernel[axis]! - 1) + 1;
    const end = Math.max(0, (output[axis]! - 1) * strides[axis]! + span - input[axis]! - pads[axis]!);
    if (end >= kernel[axis]!) return undefined;
    result[axis + 2] = end;
  }
  return result;
}

/** ceil_mode and pads as written: floor mode where ExportOptions.floorModePools asks and it is exact. */
function poolMode(
  ctx: ExportContext,
  node: ValidatedNode,
  ceilMode: boolean,
  kernel: readonly number[],
  strides: readonly number[],
  pads: readonly number[],
  dilations: readonly number[],
): { ceil_mode: number; pads: readonly number[] } {
  const floor = ceilMode && ctx.writing.floorModePools ? floorModePads(node, kernel, strides, pads, dilations) : undefined;
  return floor !== undefined ? { ceil_mode: 0, pads: floor } : { ceil_mode: ceilMode ? 1 : 0, pads };
}

const maxPool2d: OpExporter<'maxPool2d'> = (node, ctx) => {
  const a = node.attrs;
  imageOp(ctx, node, (x, out) =>
    ctx.node(
      'MaxPool',
      [x],
      [out],
      {
        ...poolMode(ctx, node, a.ceilMode, a.kernel, a.strides, a.pads, a.dilations),
        dilations: a.dilations,
        kernel_shape: a.kernel,
        strides: a.strides,
      },
      node.spec.name,
    ),
  );
};

/**
 * ceil_mode, pads and count_include_pad of an AveragePool. With countIncludePad the divisor
 * counts the declared pads but not a ceil-mode window's overhang, which larger pads would count,
 * so a padded one keeps ceil_mode; without declared pads countIncludePad counts nothing, and the
 * pool is written as one that excludes padding.
 */
function avgPoolMode(ctx: ExportContext, node: ValidatedNode, a: ValidatedNodeOf<'avgPool2d'>['attrs']): { ceil_mode: number; pads: readonly number[]; count_include_pad: number } {
  const include = a.countIncludePad && a.pads.some((p) => p !== 0);
  const mode = include ? { ceil_mode: a.ceilMode ? 1 : 0, pads: a.pads } : poolMode(ctx, node, a.ceilMode, a.kernel, a.strides, a.pads, [1, 1]);
  const rewritten = a.ceilMode && mode.ceil_mode === 0;
  return { ...mode, count_include_pad: a.countIncludePad && !rewritten ? 1 : 0 };
}

const avgPool2d: OpExporter<'avgPool2d'> = (node, ctx) => {
  const a = node.attrs;
  imageOp(ctx, node, (x, out) =>
    ctx.node(
      'AveragePool',
      [x],
      [out],
      {
        ...avgPoolMode(ctx, node, a),
        kernel_shape: a.kernel,
        strides: a.strides,
      },
      node.spec.name,
    ),
  );
};

const globalAvgPool: OpExporter<'globalAvgPool'> = (node, ctx) => {
  const xInfo = ctx.info(node.spec.inputs[0]!);
  const [h, w] = xInfo.layout === 'NHWC' ? [xInfo.shape[1]!, xInfo.shape[2]!] : [xInfo.shape[2]!, xInfo.shape[3]!];
  if (h * w === 0) {
    constantOutput(ctx, node, () => NaN);
    return;
  }
  imageOp(ctx, node, (x, out) => ctx.node('GlobalAveragePool', [x], [out], {}, node.spec.name));
};

const resize: OpExporter<'resize'> = (node, ctx) => {
  const a = node.attrs;
  const xInfo = ctx.info(node.spec.inputs[0]!);
  const outInfo = node.outputs[0]!;
  const nchwOut = outInfo.layout === 'NHWC' ? [outInfo.shape[0]!, outInfo.shape[3]!, outInfo.shape[1]!, outInfo.shape[2]!] : [...outInfo.shape];
  const c = xInfo.layout === 'NHWC' ? xInfo.shape[3]! : xInfo.shape[1]!;
  const sizeInputs = a.scales !== undefined ? ['', ctx.constant('scales', tensor('float32', [4], [1, 1, a.scales[0], a.scales[1]]))] : ['', '', ctx.int64s('sizes', [nchwOut[0]!, c, nchwOut[2]!, nchwOut[3]!])];
  imageOp(ctx, node, (x, out) =>
    ctx.node(
      'Resize',
      [x, ...sizeInputs],
      [out],
      {
        coordinate_transformation_mode: a.coordinateTransform,
        mode: a.mode === 'bilinear' ? 'linear' : 'nearest',
        nearest_mode: a.mode === 'nearest' ? a.nearestMode : undefined,
      },
      node.spec.name,
    ),
  );
};

const pad: OpExporter<'pad'> = (node, ctx) => {
  const a = node.attrs;
  const [top, left, bottom, right] = a.pads;
  const dtype = node.outputs[0]!.dtype;
  const inputs = [ctx.int64s('pads', [0, 0, top!, left!, 0, 0, bottom!, right!])];
  if (a.mode === 'constant' && a.value !== 0) inputs.push(ctx.scalar(a.value, dtype));
  imageOp(ctx, node, (x, out) => ctx.node('Pad', [x, ...inputs], [out], { mode: a.mode }, node.spec.name));
};

/**
 * batchNorm as the IR writes it, (x - mean) / sqrt(var + eps) * scale + bias, in elementwise ops.
 * Used when var + eps is 0 somewhere: onnxruntime's fused kernel folds the division into a scale
 * and gives Inf - Inf = NaN where the IR's formula gives +-Inf.
 */
function batchNormUnfused(ctx: ExportContext, node: ValidatedNodeOf<'batchNorm'>, weights: HostTensor[]): void {
  const [x] = node.spec.inputs as [string];
  const out = node.spec.outputs[0]!;
  const info = node.outputs[0]!;
  const permuted = info.layout === 'NHWC' || info.layout === 'NCHW';
  const rank = info.shape.length;
  const c = permuted ? 1 : rank - 1;
  // Parameters shaped to broadcast on the (NCHW or last) channel axis.
  const shapeOf = (t: HostTensor): number[] => info.shape.map((_, i) => (i === c ? t.shape[0]! : 1)).slice(permuted ? 1 : 0);
  const [scale, bias, mean, variance] = weights as [HostTensor, HostTensor, HostTensor, HostTensor];
  const eps = node.attrs.epsilon;
  const std = fromFloat64(
    variance.dtype,
    variance.shape,
    toFloat64(variance).map((v) => Math.sqrt(v + eps)),
  );
  const p = (hint: string, t: HostTensor) => ctx.constant(`${out}__${hint}`, { ...t, shape: shapeOf(t) });
  const t = (s: string) => ctx.temp(`${out}__${s}`);
  const [centered, normed, scaled] = [t('centered'), t('normalized'), t('scaled')];
  const name = ctx.outputName(out, info.layout === 'NHWC');
  const xin = permuted ? ctx.nchw(x) : ctx.get(x);
  ctx.node('Sub', [xin, p('mean', mean)], [centered]);
  ctx.node('Div', [centered, p('std', std)], [normed]);
  ctx.node('Mul', [normed, p('scale', scale)], [scaled]);
  ctx.node('Add', [scaled, p('bias', bias)], [name], {}, node.spec.name);
  ctx.define(out, name, info.layout === 'NHWC');
}

const batchNorm: OpExporter<'batchNorm'> = (node, ctx) => {
  const [x, ...params] = node.spec.inputs as [string, ...string[]];
  const out = node.spec.outputs[0]!;
  const layout = node.outputs[0]!.layout;
  const weights = params.map((v) => ctx.weight(v));
  if (weights.every((w): w is HostTensor => w !== undefined) && toFloat64(weights[3]!).some((v) => !(v + (node.attrs.epsilon as number) > 0))) {
    batchNormUnfused(ctx, node, weights);
    return;
  }
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

export const IMAGE_EXPORTERS = {
  conv2d,
  convTranspose2d,
  maxPool2d,
  avgPool2d,
  globalAvgPool,
  resize,
  pad,
  batchNorm,
};

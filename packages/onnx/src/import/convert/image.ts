/**
 * ONNX image ops -> IR (2-D only; ONNX image tensors are NCHW, so every image value is marked
 * NCHW as it enters one of these ops). auto_pad is resolved to explicit pads from static shapes.
 */
import { tensor, type HostTensor } from '@skipconn/core';
import type { NodeProto } from '../../proto/types';
import type { ImportContext } from '../context';
import { numbers } from '../fold';
import { constInput, hasInput, input, onlyFirstOutput, output, pair, resolvePads, shapeOf, unsupported, type Converter } from './util';

/** The NCHW image operand of an image op (rank 4 required). */
function image(ctx: ImportContext, node: NodeProto, i = 0): string {
  const shape = shapeOf(ctx, node, i);
  if (shape.length !== 4) unsupported(node, `${node.opType} input is not a 2-D image`, 'a rank-4 NCHW tensor (1-D and 3-D variants are not in the IR)', `[${shape.join(',')}]`);
  return ctx.withLayout(input(ctx, node, i), 'NCHW', node);
}

function spatial(shape: readonly number[]): [number, number] {
  return [shape[2]!, shape[3]!];
}

const Conv: Converter = (node, ctx) => {
  const a = ctx.attrs(node);
  const x = image(ctx, node);
  const w = shapeOf(ctx, node, 1);
  if (w.length !== 4) unsupported(node, 'Conv weight is not 2-D', '[O, I/groups, kH, kW]', `[${w.join(',')}]`);
  const kernel = pair(a.ints('kernel_shape'), [w[2]!, w[3]!], node, 'kernel_shape');
  const strides = pair(a.ints('strides'), [1, 1], node, 'strides');
  const dilations = pair(a.ints('dilations'), [1, 1], node, 'dilations');
  const pads = resolvePads(node, a.string('auto_pad', 'NOTSET'), a.ints('pads'), spatial(shapeOf(ctx, node, 0)), kernel, strides, dilations);
  const inputs = [x, input(ctx, node, 1), ...(hasInput(node, 2) ? [input(ctx, node, 2)] : [])];
  ctx.bind(output(node), ctx.emit('conv2d', inputs, { strides, pads, dilations, groups: a.int('group', 1) }, node, output(node)));
};

const ConvTranspose: Converter = (node, ctx) => {
  const a = ctx.attrs(node);
  const x = image(ctx, node);
  const w = shapeOf(ctx, node, 1);
  if (w.length !== 4) unsupported(node, 'ConvTranspose weight is not 2-D', '[I, O/groups, kH, kW]', `[${w.join(',')}]`);
  const kernel = pair(a.ints('kernel_shape'), [w[2]!, w[3]!], node, 'kernel_shape');
  const strides = pair(a.ints('strides'), [1, 1], node, 'strides');
  const dilations = pair(a.ints('dilations'), [1, 1], node, 'dilations');
  let outputPadding = pair(a.ints('output_padding'), [0, 0], node, 'output_padding');
  const autoPad = a.string('auto_pad', 'NOTSET');
  const outShape = a.ints('output_shape');
  let pads: [number, number, number, number];
  if (outShape !== undefined || autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    // ONNX: total_padding = stride*(in-1) + output_padding + ((k-1)*d+1) - out; SAME_UPPER puts the odd pixel at the end.
    const inHW = spatial(shapeOf(ctx, node, 0));
    const target = outShape !== undefined ? pair(outShape.slice(-2), [0, 0], node, 'output_shape') : [inHW[0] * strides[0], inHW[1] * strides[1]];
    const begin: number[] = [];
    const end: number[] = [];
    const extra: number[] = [];
    for (let i = 0; i < 2; i++) {
      let total = strides[i]! * (inHW[i]! - 1) + outputPadding[i]! + ((kernel[i]! - 1) * dilations[i]! + 1) - target[i]!;
      let more = 0;
      if (total < 0) {
        // A larger requested output than the pads can give: the rest is output padding.
        more = -total;
        total = 0;
      }
      const half = Math.floor(total / 2);
      begin.push(autoPad === 'SAME_LOWER' ? total - half : half);
      end.push(autoPad === 'SAME_LOWER' ? half : total - half);
      extra.push(more);
    }
    pads = [begin[0]!, begin[1]!, end[0]!, end[1]!];
    outputPadding = [outputPadding[0] + extra[0]!, outputPadding[1] + extra[1]!];
  } else {
    pads = resolvePads(node, autoPad, a.ints('pads'), [0, 0], kernel, strides, dilations);
  }
  const inputs = [x, input(ctx, node, 1), ...(hasInput(node, 2) ? [input(ctx, node, 2)] : [])];
  ctx.bind(output(node), ctx.emit('convTranspose2d', inputs, { strides, pads, dilations, groups: a.int('group', 1), outputPadding }, node, output(node)));
};

/** An IR pad node feeding only this pool, foldable into the pool's own pads. */
function foldablePad(ctx: ImportContext, node: NodeProto, x: string): { input: string; pads: number[]; value: number } | undefined {
  const producer = ctx.producers.get(x);
  if (producer === undefined || producer.op !== 'pad' || ctx.soleConsumer(node.input[0] ?? '') !== node) return undefined;
  const mode = producer.attrs['mode'] ?? 'constant';
  if (mode !== 'constant') return undefined;
  return { input: producer.inputs[0]!, pads: producer.attrs['pads'] as number[], value: (producer.attrs['value'] as number | undefined) ?? 0 };
}

function pool(kind: 'max' | 'avg'): Converter {
  return (node, ctx) => {
    const a = ctx.attrs(node);
    onlyFirstOutput(node, (o) => ctx.isUsed(o));
    let x = image(ctx, node);
    const kernel = pair(a.ints('kernel_shape'), [1, 1], node, 'kernel_shape');
    if (!a.has('kernel_shape')) unsupported(node, 'kernel_shape is missing', 'kernel_shape [kH, kW]', 'nothing');
    const strides = pair(a.ints('strides'), [1, 1], node, 'strides');
    const dilations = pair(a.ints('dilations'), [1, 1], node, 'dilations');
    let pads: number[] = resolvePads(node, a.string('auto_pad', 'NOTSET'), a.ints('pads'), spatial(ctx.info(x).shape), kernel, strides, dilations);
    const ceilMode = a.int('ceil_mode', 0) === 1;
    let countIncludePad = a.int('count_include_pad', 0) === 1;
    // Pad before pooling (PyTorch's avg_pool2d export with count_include_pad) folds into the pool
    // when the result is the same: zeros counted by the divisor, or -inf never winning a max.
    const padded = foldablePad(ctx, node, x);
    if (padded !== undefined) {
      const sum = pads.map((p, i) => p + padded.pads[i]!);
      const fits = sum.every((p, i) => p < kernel[i % 2]!);
      const avgOk = kind === 'avg' && padded.value === 0 && (countIncludePad || pads.every((p) => p === 0));
      const maxOk = kind === 'max' && padded.value === -Infinity;
      if (fits && (avgOk || maxOk)) {
        x = padded.input;
        pads = sum;
        if (kind === 'avg') countIncludePad = true;
      }
    }
    if (kind === 'max') {
      if (a.int('storage_order', 0) !== 0 && ctx.isUsed(output(node, 1))) unsupported(node, 'storage_order', '0', '1');
      ctx.bind(output(node), ctx.emit('maxPool2d', [x], { kernel, strides, pads, dilations, ceilMode }, node, output(node)));
    } else {
      if (dilations.some((d) => d !== 1)) unsupported(node, 'dilated AveragePool is not in the IR', 'dilations [1, 1]', JSON.stringify(dilations));
      ctx.bind(output(node), ctx.emit('avgPool2d', [x], { kernel, strides, pads, ceilMode, countIncludePad }, node, output(node)));
    }
  };
}

const GlobalAveragePool: Converter = (node, ctx) => {
  ctx.bind(output(node), ctx.emit('globalAvgPool', [image(ctx, node)], {}, node, output(node)));
};

const Pad: Converter = (node, ctx) => {
  const a = ctx.attrs(node);
  const shape = shapeOf(ctx, node, 0);
  let pads: number[];
  let value = 0;
  if (ctx.opset < 11) {
    pads = a.ints('pads') ?? [];
    value = a.float('value', 0);
  } else {
    pads = numbers(constInput(ctx, node, 1, 'pads'));
    if (hasInput(node, 2)) value = numbers(constInput(ctx, node, 2, 'constant_value'))[0] ?? 0;
    if (hasInput(node, 3)) {
      // opset 18 axes: expand to all axes.
      const axes = numbers(constInput(ctx, node, 3, 'axes')).map((v) => (v < 0 ? v + shape.length : v));
      const full = new Array<number>(shape.length * 2).fill(0);
      axes.forEach((ax, i) => {
        full[ax] = pads[i]!;
        full[ax + shape.length] = pads[i + axes.length]!;
      });
      pads = full;
    }
  }
  const mode = a.string('mode', 'constant');
  // The IR pads the two spatial axes of an image in either layout. Pads on axes 2 and 3 are an
  // NCHW image's; pads on axes 1 and 2 only (Swin's window attention pads [B, H, W, C]) are an
  // NHWC image's, so the operand is labelled NHWC: a relabel, no data moves, since ONNX axes are
  // positional either way.
  const zeroOn = (...axes: number[]): boolean => axes.every((ax) => pads[ax] === 0 && pads[ax + 4] === 0);
  const layout = shape.length !== 4 || pads.length !== 8 ? undefined : zeroOn(0, 1) ? 'NCHW' : zeroOn(0, 3) ? 'NHWC' : undefined;
  if (layout === undefined) {
    unsupported(node, 'Pad other than on two adjacent spatial axes of an image', 'rank 4 with pads on axes 2 and 3 only (NCHW) or 1 and 2 only (NHWC)', `shape [${shape.join(',')}], pads [${pads.join(',')}]`);
  }
  if (pads.some((p) => p < 0)) unsupported(node, 'negative pads (cropping)', 'pads >= 0', `[${pads.join(',')}]`);
  if (!['constant', 'reflect', 'edge'].includes(mode)) unsupported(node, `Pad mode '${mode}'`, 'constant, reflect or edge', mode);
  const [h, w] = layout === 'NCHW' ? [2, 3] : [1, 2];
  const attrs: Record<string, unknown> = { pads: [pads[h], pads[w], pads[h + 4], pads[w + 4]], mode };
  if (mode === 'constant' && value !== 0) attrs['value'] = value;
  const x = layout === 'NCHW' ? image(ctx, node) : ctx.withLayout(input(ctx, node, 0), 'NHWC', node);
  ctx.bind(output(node), ctx.emit('pad', [x], attrs, node, output(node)));
};

const COORD_MODES = ['half_pixel', 'asymmetric', 'pytorch_half_pixel', 'align_corners'];

const Resize: Converter = (node, ctx) => {
  const a = ctx.attrs(node);
  const shape = shapeOf(ctx, node, 0);
  const modeRaw = a.string('mode', 'nearest');
  if (modeRaw !== 'nearest' && modeRaw !== 'linear') unsupported(node, `Resize mode '${modeRaw}'`, 'nearest or linear', modeRaw);
  const legacy = ctx.opset < 11 || node.opType === 'Upsample';
  const coord = legacy ? 'asymmetric' : a.string('coordinate_transformation_mode', 'half_pixel');
  if (!COORD_MODES.includes(coord)) unsupported(node, `coordinate_transformation_mode '${coord}'`, COORD_MODES.join(', '), coord);
  const nearestMode = legacy ? 'floor' : a.string('nearest_mode', 'round_prefer_floor');
  if (a.int('antialias', 0) !== 0) unsupported(node, 'antialias', '0', '1');
  if (a.string('keep_aspect_ratio_policy', 'stretch') !== 'stretch') unsupported(node, 'keep_aspect_ratio_policy', 'stretch', a.string('keep_aspect_ratio_policy', ''));
  const axes = a.ints('axes')?.map((v) => (v < 0 ? v + shape.length : v)) ?? shape.map((_, i) => i);
  const scalesIndex = legacy ? 1 : 2;
  let scales: number[] | undefined;
  let sizes: number[] | undefined;
  const scalesT: HostTensor | undefined = hasInput(node, scalesIndex) ? constInput(ctx, node, scalesIndex, 'scales') : node.opType === 'Upsample' ? tensor('float32', [4], a.floats('scales') ?? []) : undefined;
  if (scalesT !== undefined && scalesT.shape[0] !== 0) scales = numbers(scalesT);
  else if (!legacy && hasInput(node, 3)) sizes = numbers(constInput(ctx, node, 3, 'sizes'));
  else unsupported(node, 'Resize needs scales or sizes', 'a scales or sizes input', 'neither');
  const full = (v: number[], fill: (i: number) => number): number[] => shape.map((_, i) => (axes.includes(i) ? v[axes.indexOf(i)]! : fill(i)));
  const attrs: Record<string, unknown> = { mode: modeRaw === 'linear' ? 'bilinear' : 'nearest', coordinateTransform: coord };
  if (modeRaw === 'nearest') attrs['nearestMode'] = nearestMode;
  if (scales !== undefined) {
    const s = full(scales, () => 1);
    if (s.length !== 4 || s[0] !== 1 || s[1] !== 1) unsupported(node, 'Resize of other than the spatial axes', 'scales [1, 1, sh, sw] on an NCHW image', `[${s.join(',')}]`);
    attrs['scales'] = [s[2], s[3]];
  } else {
    const s = full(sizes!, (i) => shape[i]!);
    if (s.length !== 4 || s[0] !== shape[0] || s[1] !== shape[1]) unsupported(node, 'Resize of other than the spatial axes', `sizes [${shape[0]}, ${shape[1]}, oh, ow]`, `[${s.join(',')}]`);
    attrs['size'] = [s[2], s[3]];
  }
  ctx.bind(output(node), ctx.emit('resize', [image(ctx, node)], attrs, node, output(node)));
};

const BatchNormalization: Converter = (node, ctx) => {
  const a = ctx.attrs(node);
  onlyFirstOutput(node, (o) => ctx.isUsed(o));
  if (a.int('training_mode', 0) !== 0) unsupported(node, 'training-mode BatchNormalization', 'training_mode 0 (inference)', '1');
  if (ctx.opset < 9 && a.int('spatial', 1) !== 1) unsupported(node, 'non-spatial BatchNormalization', 'spatial 1', '0');
  const shape = shapeOf(ctx, node, 0);
  const params = [1, 2, 3, 4].map((i) => input(ctx, node, i));
  const epsilon = a.float('epsilon', 1e-5);
  const out = output(node);
  if (shape.length === 4) {
    ctx.bind(out, ctx.emit('batchNorm', [image(ctx, node), ...params], { epsilon }, node, out));
  } else if (shape.length === 2) {
    ctx.bind(out, ctx.emit('batchNorm', [ctx.withLayout(input(ctx, node, 0), 'NC', node), ...params], { epsilon }, node, out));
  } else if (shape.length === 3) {
    // [N, C, L] (BatchNorm1d on sequences): the IR's NTC has channels last, so normalize between transposes.
    const t = ctx.emit('transpose', [input(ctx, node, 0)], { perm: [0, 2, 1], layout: 'NTC' }, `${node.name || 'bn'}/to_ntc`);
    const bn = ctx.emit('batchNorm', [t, ...params], { epsilon }, node);
    ctx.bind(out, ctx.emit('transpose', [bn], { perm: [0, 2, 1] }, `${node.name || 'bn'}/from_ntc`, out));
  } else {
    unsupported(node, 'BatchNormalization input rank', 'rank 2, 3 or 4', `[${shape.join(',')}]`);
  }
};

/** ReduceMean over H and W of an NCHW image (x.mean((2, 3)) in PyTorch) is a global average pool. */
const ReduceMean: Converter = (node, ctx) => {
  const a = ctx.attrs(node);
  const shape = shapeOf(ctx, node, 0);
  const raw = ctx.opset >= 18 ? (hasInput(node, 1) ? numbers(constInput(ctx, node, 1, 'axes')) : undefined) : a.ints('axes');
  const axes = raw?.map((v) => (v < 0 ? v + shape.length : v)).sort();
  if (shape.length !== 4 || axes?.join() !== '2,3') unsupported(node, 'ReduceMean other than over H and W of an NCHW image', 'axes [2, 3] of a rank-4 tensor', `axes ${JSON.stringify(raw)} of [${shape.join(',')}]`);
  const keep = a.int('keepdims', 1) === 1;
  const pooled = ctx.emit('globalAvgPool', [image(ctx, node)], {}, node, keep ? output(node) : undefined);
  ctx.bind(output(node), keep ? pooled : ctx.emit('reshape', [pooled], { shape: [shape[0]!, shape[1]!], layout: 'NC' }, `${node.name || 'reducemean'}/squeeze`, output(node)));
};

export const IMAGE_CONVERTERS: Record<string, Converter> = {
  Conv,
  ConvTranspose,
  MaxPool: pool('max'),
  AveragePool: pool('avg'),
  GlobalAveragePool,
  Pad,
  Resize,
  Upsample: Resize,
  BatchNormalization,
  ReduceMean,
};

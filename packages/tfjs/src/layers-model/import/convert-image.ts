/**
 * Keras image layers -> IR (NHWC values): convolutions with their weights re-laid once
 * ([kH, kW, I, O] -> [O, I, kH, kW]), pooling and padding with Keras 'same' turned into explicit
 * pads, upsampling as resize with tfjs's coordinate rules, and BatchNormalization.
 */
import { spatialSize } from '@skipconn/core';
import { camel } from '../spelling';
import { samePads } from '../export/ops-image';
import { activate } from './convert-core';
import { channelsLastInput, config, filled, imageInput, pair, relaid, requireChannelsLast, unsupported, type CallContext, type Converter } from './context';

function padding(c: CallContext): 'valid' | 'same' {
  const p = camel(String(config(c, 'padding') ?? 'valid'));
  if (p !== 'valid' && p !== 'same') unsupported(c, `padding '${String(config(c, 'padding'))}'`, ['valid', 'same']);
  return p;
}

/** IR pads [top, left, bottom, right] for Keras padding on an NHWC value. */
function windowPads(c: CallContext, x: string, kernel: readonly [number, number], strides: readonly [number, number]): [number, number, number, number] {
  if (padding(c) === 'valid') return [0, 0, 0, 0];
  const [h, w] = spatialSize(c.g.info(x));
  const [t, b] = samePads(h, kernel[0], strides[0]);
  const [l, r] = samePads(w, kernel[1], strides[1]);
  return [t, l, b, r];
}

function bias(c: CallContext): string[] {
  return config(c, 'useBias') === false ? [] : [relaid(c, 'bias')];
}

export const conv2D: Converter = (c) => {
  requireChannelsLast(c);
  const x = imageInput(c);
  const k = pair(c, 'kernelSize', null);
  const strides = pair(c, 'strides', 1);
  const dilations = pair(c, 'dilationRate', 1);
  const groups = (config(c, 'groups') as number | undefined) ?? 1;
  const pads = windowPads(c, x, [dilations[0] * (k[0] - 1) + 1, dilations[1] * (k[1] - 1) + 1], strides);
  const w = relaid(c, 'kernel', [3, 2, 0, 1]);
  const y = c.g.node('conv2d', [x, w, ...bias(c)], { strides, pads, dilations, ...(groups !== 1 ? { groups } : {}) }, c.name);
  return activate(c, y, config(c, 'activation'));
};

function depthwise(c: CallContext, x: string, name: string, withBias: boolean): string {
  const k = pair(c, 'kernelSize', null);
  const strides = pair(c, 'strides', 1);
  const dilations = pair(c, 'dilationRate', 1);
  const channels = c.g.info(x).shape[3]!;
  const m = (config(c, 'depthMultiplier') as number | undefined) ?? 1;
  const pads = windowPads(c, x, [dilations[0] * (k[0] - 1) + 1, dilations[1] * (k[1] - 1) + 1], strides);
  // depthwise_kernel [kH, kW, C, m] -> [C*m, 1, kH, kW]: output channel c*m + j, as the IR (and PyTorch) order them.
  const w = relaid(c, 'depthwise_kernel', [2, 3, 0, 1], [channels * m, 1, k[0], k[1]]);
  return c.g.node('conv2d', [x, w, ...(withBias ? bias(c) : [])], { strides, pads, dilations, groups: channels }, name);
}

export const depthwiseConv2D: Converter = (c) => {
  requireChannelsLast(c);
  return activate(c, depthwise(c, imageInput(c), c.name, true), config(c, 'activation'));
};

export const separableConv2D: Converter = (c) => {
  requireChannelsLast(c);
  const d = depthwise(c, imageInput(c), `${c.name}.depthwise`, false);
  const y = c.g.node('conv2d', [d, relaid(c, 'pointwise_kernel', [3, 2, 0, 1]), ...bias(c)], {}, c.name);
  return activate(c, y, config(c, 'activation'));
};

export const conv2DTranspose: Converter = (c) => {
  requireChannelsLast(c);
  const x = imageInput(c);
  const k = pair(c, 'kernelSize', null);
  const s = pair(c, 'strides', 1);
  const d = pair(c, 'dilationRate', 1);
  if (d[0] !== 1 || d[1] !== 1) unsupported(c, `dilation_rate ${JSON.stringify(d)}`, ['dilation_rate 1 (tfjs Conv2DTranspose has none)']);
  if (config(c, 'outputPadding') !== undefined && config(c, 'outputPadding') !== null) unsupported(c, 'output_padding', ['no output_padding (tfjs Conv2DTranspose)']);
  // tfjs: 'valid' gives in*s + max(k - s, 0), 'same' gives in*s; the IR's (in-1)*s + k - pads + outputPadding matches with:
  const total = padding(c) === 'same' ? [Math.max(k[0] - s[0], 0), Math.max(k[1] - s[1], 0)] : [0, 0];
  const pads = [Math.floor(total[0]! / 2), Math.floor(total[1]! / 2), total[0]! - Math.floor(total[0]! / 2), total[1]! - Math.floor(total[1]! / 2)];
  const outputPadding = [Math.max(0, s[0] - k[0]), Math.max(0, s[1] - k[1])];
  const w = relaid(c, 'kernel', [3, 2, 0, 1]);
  const y = c.g.node('convTranspose2d', [x, w, ...bias(c)], { strides: s, pads, outputPadding }, c.name);
  return activate(c, y, config(c, 'activation'));
};

const pooling =
  (op: 'maxPool2d' | 'avgPool2d'): Converter =>
  (c) => {
    requireChannelsLast(c);
    const x = imageInput(c);
    const kernel = pair(c, 'poolSize', 2);
    const strides = config(c, 'strides') === null || config(c, 'strides') === undefined ? kernel : pair(c, 'strides', null);
    const pads = windowPads(c, x, kernel, strides);
    // Keras average pooling divides by the real elements of a window ('same' padding does not count).
    return c.g.node(op, [x], { kernel, strides, pads, ...(op === 'avgPool2d' ? { countIncludePad: false } : {}) }, c.name);
  };
export const maxPooling2D = pooling('maxPool2d');
export const averagePooling2D = pooling('avgPool2d');

export const globalAveragePooling2D: Converter = (c) => {
  requireChannelsLast(c);
  const y = c.g.node('globalAvgPool', [imageInput(c)], {}, c.name);
  return config(c, 'keepdims') === true || config(c, 'keepDims') === true ? y : c.g.node('flatten', [y], { axis: 1 }, `${c.name}.flatten`);
};

export const upSampling2D: Converter = (c) => {
  requireChannelsLast(c);
  const size = pair(c, 'size', 2);
  const mode = camel(String(config(c, 'interpolation') ?? 'nearest'));
  if (mode !== 'nearest' && mode !== 'bilinear') unsupported(c, `interpolation '${mode}'`, ['nearest', 'bilinear']);
  // tf.image.resize* without align_corners or half-pixel centers: source = out / scale (asymmetric), nearest floors.
  const attrs = mode === 'nearest' ? { mode, coordinateTransform: 'asymmetric', nearestMode: 'floor', scales: size } : { mode, coordinateTransform: 'asymmetric', scales: size };
  return c.g.node('resize', [imageInput(c)], attrs, c.name);
};

export const resizing: Converter = (c) => {
  const size = [config(c, 'height'), config(c, 'width')] as [number, number];
  const mode = camel(String(config(c, 'interpolation') ?? 'bilinear'));
  if (mode !== 'nearest' && mode !== 'bilinear') unsupported(c, `interpolation '${mode}'`, ['nearest', 'bilinear']);
  // tfjs's Resizing passes alignCorners = !crop_to_aspect_ratio to tf.image.resize*; nearest rounds half up there.
  const aligned = config(c, 'cropToAspectRatio') !== true;
  const transform = aligned ? 'align_corners' : 'asymmetric';
  const attrs = mode === 'nearest' ? { mode, coordinateTransform: transform, nearestMode: aligned ? 'round_prefer_ceil' : 'floor', size } : { mode, coordinateTransform: transform, size };
  return c.g.node('resize', [imageInput(c)], attrs, c.name);
};

export const zeroPadding2D: Converter = (c) => {
  requireChannelsLast(c);
  const p = config(c, 'padding') ?? 1;
  let pads: number[];
  if (typeof p === 'number') pads = [p, p, p, p];
  else if (Array.isArray(p) && p.length === 2 && p.every((v) => typeof v === 'number')) {
    const [h, w] = p as [number, number];
    pads = [h, w, h, w];
  } else if (Array.isArray(p) && p.length === 2 && p.every((v) => Array.isArray(v) && v.length === 2)) {
    const [[t, b], [l, r]] = p as [[number, number], [number, number]];
    pads = [t, l, b, r];
  } else return unsupported(c, `padding ${JSON.stringify(p)}`, ['an int, [h, w], or [[top, bottom], [left, right]]']);
  return c.g.node('pad', [imageInput(c)], { pads }, c.name);
};

export const batchNormalization: Converter = (c) => {
  const x = channelsLastInput(c);
  const shape = c.g.info(x).shape;
  const axis = (config(c, 'axis') as number | undefined) ?? -1;
  if ((axis < 0 ? axis + shape.length : axis) !== shape.length - 1) unsupported(c, `axis ${axis}`, ['the last (channel) axis']);
  const channels = [shape[shape.length - 1]!];
  const scale = config(c, 'scale') === false ? filled(c, 'gamma:ones', channels, 1) : relaid(c, 'gamma');
  const offset = config(c, 'center') === false ? filled(c, 'beta:zeros', channels, 0) : relaid(c, 'beta');
  const epsilon = (config(c, 'epsilon') as number | undefined) ?? 1e-3;
  return c.g.node('batchNorm', [x, scale, offset, relaid(c, 'moving_mean'), relaid(c, 'moving_variance')], { epsilon }, c.name);
};

/**
 * Image ops as Keras layers on channels-last tensors: Conv2D / DepthwiseConv2D /
 * Conv2DTranspose, pooling, UpSampling2D, ZeroPadding2D, GlobalAveragePooling2D and
 * BatchNormalization. Each emitter maps the op exactly or hands the node to the SkipconnOp fallback
 * with the reason: explicit pads become 'same' when they are TF's 'same' pads and ZeroPadding2D
 * otherwise (where zeros are what the op pads with), and every mapping is checked against the
 * validated output size.
 */
import { resizeAxisTable, resizeScales, type ResizeAttrs, type ValidatedGraph } from '@skipconn/core';
import type { PlannedNode } from '../../plan/layout';
import { blockDiagonal, dilateKernel, reshapeF32, transposeF32, type F32 } from '../host';
import type { KerasRef } from './builder';
import { refOf, type ExportContext, type Emitter } from './context';

const CL = 'channels_last';

/** TensorFlow's 'same' padding on one axis: [before, after]. */
export function samePads(input: number, kernel: number, stride: number): [number, number] {
  const out = Math.ceil(input / stride);
  const total = Math.max(0, (out - 1) * stride + kernel - input);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

const windowOut = (input: number, kernel: number, stride: number): number => Math.floor((input - kernel) / stride) + 1;

/** ZeroPadding2D with pads [top, left, bottom, right] (no layer when all are 0). */
function zeroPad(ctx: ExportContext, x: KerasRef, pads: readonly number[], base: string): KerasRef {
  const [t, l, b, r] = pads as [number, number, number, number];
  if (t + l + b + r === 0) return x;
  const [n, h, w, c] = x.shape as [number, number, number, number];
  return ctx.keras.layer(
    'ZeroPadding2D',
    `${base}.pad`,
    {
      padding: [
        [t, b],
        [l, r],
      ],
      data_format: CL,
    },
    [x],
    [n, h + t + b, w + l + r, c],
  );
}

function bias(ctx: ExportContext, p: PlannedNode, index: number): F32 | undefined | 'computed' {
  const input = ctx.inputs(p)[index];
  if (input === undefined) return undefined;
  return input.constant ?? 'computed';
}

export const conv2d: Emitter<'conv2d'> = (ctx, p) => {
  const a = p.node.attrs;
  const [xIn, wIn] = ctx.inputs(p);
  const x = refOf(xIn!, p.node, 'the input x');
  const w = wIn!.constant;
  const b = bias(ctx, p, 2);
  if (w === undefined || b === 'computed') return ctx.nodeAsOpLayer(p, 'the weight or bias is computed, not a graph weight');
  const [outC, perGroup, kh, kw] = w.shape as [number, number, number, number];
  const [n, h, wd, inC] = x.shape as [number, number, number, number];
  const g = a.groups;
  const { strides: s, dilations: d, pads } = a;
  const eff: [number, number] = [d[0] * (kh - 1) + 1, d[1] * (kw - 1) + 1];
  const depthwise = g > 1 && perGroup === 1 && g === inC;
  const dilated = d[0] > 1 || d[1] > 1;
  // tfjs-layers 4.22's DepthwiseConv2D ignores dilation_rate (its call passes no dilation to the
  // kernel, and its output shape leaves it out), so a depthwise kernel carries its dilation as
  // zeros between the taps and runs undilated; that also lets the strides apply directly.
  const foldDilation = depthwise && dilated;
  const rate: [number, number] = foldDilation ? [1, 1] : [d[0], d[1]];
  // tfjs refuses strides > 1 together with dilations > 1: convolve at stride 1, then keep every s-th position.
  const split = !foldDilation && (s[0] > 1 || s[1] > 1) && dilated;
  const strides: [number, number] = split ? [1, 1] : [s[0], s[1]];
  const sameH = samePads(h, eff[0], strides[0]);
  const sameW = samePads(wd, eff[1], strides[1]);
  const same = !split && pads.some((v) => v > 0) && pads[0] === sameH[0] && pads[2] === sameH[1] && pads[1] === sameW[0] && pads[3] === sameW[1];
  const input = same ? x : zeroPad(ctx, x, pads, p.node.spec.name);
  const convOut = same ? [n, Math.ceil(h / strides[0]), Math.ceil(wd / strides[1]), outC] : [n, windowOut(input.shape[1]!, eff[0], strides[0]), windowOut(input.shape[2]!, eff[1], strides[1]), outC];
  const common = { kernel_size: [kh, kw], strides, padding: same ? 'same' : 'valid', data_format: CL, dilation_rate: rate, activation: 'linear', use_bias: b !== undefined };
  const biasW = b === undefined ? [] : [{ name: 'bias', value: b }];
  let y: KerasRef;
  if (depthwise) {
    // Depthwise, channel multiplier m: IR output channel c*m + k is Keras depthwise_kernel[..., c, k].
    const m = outC / inC;
    const kernel = dilateKernel(transposeF32(reshapeF32(w, [inC, m, kh, kw]), [2, 3, 0, 1]), [d[0], d[1]]);
    const config = { ...common, kernel_size: [kernel.shape[0], kernel.shape[1]], depth_multiplier: m };
    y = ctx.keras.layer('DepthwiseConv2D', p.node.spec.name, config, [input], convOut, [{ name: 'depthwise_kernel', value: kernel }, ...biasW]);
  } else {
    const kernel = g === 1 ? transposeF32(w, [2, 3, 1, 0]) : blockDiagonal(kh, kw, inC, outC, g, (grp, i, j, ci, co) => w.data[(((grp * (outC / g) + co) * perGroup + ci) * kh + i) * kw + j]!);
    y = ctx.keras.layer('Conv2D', p.node.spec.name, { ...common, filters: outC }, [input], convOut, [{ name: 'kernel', value: kernel }, ...biasW]);
  }
  if (!split) return y;
  const out = p.outputShapes[0]!;
  return ctx.keras.layer('AveragePooling2D', `${p.node.spec.name}.stride`, { pool_size: [1, 1], strides: [s[0], s[1]], padding: 'valid', data_format: CL }, [y], out);
};

export const convTranspose2d: Emitter<'convTranspose2d'> = (ctx, p) => {
  const a = p.node.attrs;
  const [xIn, wIn] = ctx.inputs(p);
  const x = refOf(xIn!, p.node, 'the input x');
  const w = wIn!.constant;
  const b = bias(ctx, p, 2);
  if (w === undefined || b === 'computed') return ctx.nodeAsOpLayer(p, 'the weight or bias is computed, not a graph weight');
  const [inC, perGroup, kh, kw] = w.shape as [number, number, number, number];
  const g = a.groups;
  const outC = perGroup * g;
  const [n, h, wd] = x.shape as [number, number, number, number];
  const out = p.outputShapes[0]!;
  // Keras kernel [kH, kW, O, I]; groups as one block-diagonal kernel; dilation as zeros between taps.
  const raw = g === 1 ? transposeF32(w, [2, 3, 1, 0]) : blockDiagonal(kh, kw, outC, inC, g, (grp, i, j, co, ci) => w.data[(((grp * (inC / g) + ci) * perGroup + co) * kh + i) * kw + j]!);
  const kernel = dilateKernel(raw, a.dilations);
  const [ekh, ekw] = kernel.shape as [number, number];
  const { strides: s, pads } = a;
  // tfjs 'valid' transposed conv: in*s + max(k - s, 0); rows past the scattered ones hold only the bias.
  const full: [number, number] = [h * s[0] + Math.max(ekh - s[0], 0), wd * s[1] + Math.max(ekw - s[1], 0)];
  const crop = [pads[0], full[0] - pads[0] - out[1]!, pads[1], full[1] - pads[1] - out[2]!] as const;
  if (crop[1] < 0 || crop[3] < 0) return ctx.nodeAsOpLayer(p, 'outputPadding reaches past the output of a Keras Conv2DTranspose');
  const config = { filters: outC, kernel_size: [ekh, ekw], strides: [s[0], s[1]], padding: 'valid', data_format: CL, activation: 'linear', use_bias: b !== undefined };
  const weights = [{ name: 'kernel', value: kernel }, ...(b === undefined ? [] : [{ name: 'bias', value: b }])];
  const y = ctx.keras.layer('Conv2DTranspose', p.node.spec.name, config, [x], [n, full[0], full[1], outC], weights);
  if (crop.every((c) => c === 0)) return y;
  return ctx.keras.layer(
    'Cropping2D',
    `${p.node.spec.name}.crop`,
    {
      cropping: [
        [crop[0], crop[1]],
        [crop[2], crop[3]],
      ],
      data_format: CL,
    },
    [y],
    out,
  );
};

/** Values the producer guarantees to be >= 0 (or NaN), so zero padding cannot win a max. */
export function nonNegative(vg: ValidatedGraph, value: string, depth = 0): boolean {
  const producer = vg.producers.get(value);
  if (producer === undefined || depth > 32) return false;
  switch (producer.type) {
    case 'relu':
    case 'sigmoid':
      return true;
    case 'residual':
      return producer.attrs.activation === 'relu' || producer.attrs.activation === 'sigmoid';
    case 'pad':
      return producer.attrs.value >= 0 && nonNegative(vg, producer.spec.inputs[0]!, depth + 1);
    case 'maxPool2d':
    case 'avgPool2d':
    case 'globalAvgPool':
      return nonNegative(vg, producer.spec.inputs[0]!, depth + 1);
    case 'concat':
      return producer.spec.inputs.every((i) => nonNegative(vg, i, depth + 1));
    default:
      return false;
  }
}

export const maxPool2d: Emitter<'maxPool2d'> = (ctx, p) => {
  const a = p.node.attrs;
  const x = refOf(ctx.inputs(p)[0]!, p.node, 'the input x');
  const out = p.outputShapes[0]!;
  const [, h, w] = x.shape as [number, number, number, number];
  const { kernel: k, strides: s, pads } = a;
  if (a.dilations[0] !== 1 || a.dilations[1] !== 1) return ctx.nodeAsOpLayer(p, 'Keras MaxPooling2D has no dilation');
  const config = (padding: string) => ({ pool_size: [k[0], k[1]], strides: [s[0], s[1]], padding, data_format: CL });
  if (pads.every((v) => v === 0) && windowOut(h, k[0], s[0]) === out[1] && windowOut(w, k[1], s[1]) === out[2]) {
    return ctx.keras.layer('MaxPooling2D', p.node.spec.name, config('valid'), [x], out);
  }
  // 'same' windows start at i*s - before, and padded positions never win: exact when the windows match.
  if (Math.ceil(h / s[0]) === out[1] && Math.ceil(w / s[1]) === out[2] && pads[0] === samePads(h, k[0], s[0])[0] && pads[1] === samePads(w, k[1], s[1])[0]) {
    return ctx.keras.layer('MaxPooling2D', p.node.spec.name, config('same'), [x], out);
  }
  // After relu (or any non-negative producer) a zero pad never wins over a real element either.
  if (nonNegative(ctx.vg, p.node.spec.inputs[0]!)) {
    const bottom = Math.max(pads[2], (out[1]! - 1) * s[0] + k[0] - h - pads[0]);
    const right = Math.max(pads[3], (out[2]! - 1) * s[1] + k[1] - w - pads[1]);
    const padded = zeroPad(ctx, x, [pads[0], pads[1], bottom, right], p.node.spec.name);
    if (windowOut(padded.shape[1]!, k[0], s[0]) === out[1] && windowOut(padded.shape[2]!, k[1], s[1]) === out[2]) {
      return ctx.keras.layer('MaxPooling2D', p.node.spec.name, config('valid'), [padded], out);
    }
  }
  return ctx.nodeAsOpLayer(p, "pads that are not TF 'same' padding on an input that may be negative (Keras pads max pooling with zeros only through ZeroPadding2D)");
};

export const avgPool2d: Emitter<'avgPool2d'> = (ctx, p) => {
  const a = p.node.attrs;
  const x = refOf(ctx.inputs(p)[0]!, p.node, 'the input x');
  const out = p.outputShapes[0]!;
  const [, h, w] = x.shape as [number, number, number, number];
  const { kernel: k, strides: s, pads } = a;
  const config = (padding: string) => ({ pool_size: [k[0], k[1]], strides: [s[0], s[1]], padding, data_format: CL });
  const fits = (ph: number, pw: number) => windowOut(ph, k[0], s[0]) === out[1] && windowOut(pw, k[1], s[1]) === out[2];
  if (pads.every((v) => v === 0) && fits(h, w)) return ctx.keras.layer('AveragePooling2D', p.node.spec.name, config('valid'), [x], out);
  // countIncludePad: zeros count in the divisor, which is kH*kW when no window hangs past the padded input.
  if (a.countIncludePad && fits(h + pads[0] + pads[2], w + pads[1] + pads[3])) {
    return ctx.keras.layer('AveragePooling2D', p.node.spec.name, config('valid'), [zeroPad(ctx, x, pads, p.node.spec.name)], out);
  }
  // Keras 'same' average pooling divides by the real elements of each window: countIncludePad false.
  if (!a.countIncludePad && Math.ceil(h / s[0]) === out[1] && Math.ceil(w / s[1]) === out[2] && pads[0] === samePads(h, k[0], s[0])[0] && pads[1] === samePads(w, k[1], s[1])[0]) {
    return ctx.keras.layer('AveragePooling2D', p.node.spec.name, config('same'), [x], out);
  }
  return ctx.nodeAsOpLayer(p, `average pooling (countIncludePad ${a.countIncludePad}, ceilMode ${a.ceilMode}) whose windows or divisors Keras AveragePooling2D cannot express`);
};

export const globalAvgPool: Emitter<'globalAvgPool'> = (ctx, p) => {
  const x = refOf(ctx.inputs(p)[0]!, p.node, 'the input x');
  const [n, , , c] = x.shape as [number, number, number, number];
  const pooled = ctx.keras.layer('GlobalAveragePooling2D', p.node.spec.name, { data_format: CL }, [x], [n, c]);
  return ctx.keras.reshape(pooled, p.outputShapes[0]!, `${p.node.spec.name}.keepdims`);
};

/** Source index tables tfjs's resize kernels use (cpu ResizeBilinear / ResizeNearestNeighbor, no half-pixel centers). */
function tfjsTable(inLen: number, outLen: number, alignCorners: boolean): Float64Array {
  const effIn = alignCorners && outLen > 1 ? inLen - 1 : inLen;
  const effOut = alignCorners && outLen > 1 ? outLen - 1 : outLen;
  const ratio = effIn / effOut;
  return Float64Array.from({ length: outLen }, (_, o) => ratio * o);
}

function sameNearest(attrs: ResizeAttrs, scale: number, inLen: number, outLen: number, alignCorners: boolean): boolean {
  const ir = resizeAxisTable(attrs, scale, inLen, outLen).lo;
  const tf = tfjsTable(inLen, outLen, alignCorners);
  return ir.every((v, o) => v === Math.min(inLen - 1, alignCorners ? Math.round(tf[o]!) : Math.floor(tf[o]!)));
}

function sameBilinear(attrs: ResizeAttrs, scale: number, inLen: number, outLen: number, alignCorners: boolean): boolean {
  const ir = resizeAxisTable(attrs, scale, inLen, outLen);
  const tf = tfjsTable(inLen, outLen, alignCorners);
  // Compare the weight each source index gets (tfjs lerps a row with itself at the last index).
  return ir.lo.every((lo, o) => {
    const src = tf[o]!;
    const top = Math.max(0, Math.floor(src));
    const bottom = Math.min(inLen - 1, Math.ceil(src));
    const frac = src - top;
    const weights = new Map<number, number>();
    const put = (i: number, w: number, m: Map<number, number>) => m.set(i, (m.get(i) ?? 0) + w);
    put(top, 1 - frac, weights);
    put(bottom, frac, weights);
    const mine = new Map<number, number>();
    put(lo, 1 - ir.t[o]!, mine);
    put(ir.hi[o]!, ir.t[o]!, mine);
    return [...new Set([...weights.keys(), ...mine.keys()])].every((i) => Math.abs((weights.get(i) ?? 0) - (mine.get(i) ?? 0)) <= 1e-6);
  });
}

export const resize: Emitter<'resize'> = (ctx, p) => {
  const a = p.node.attrs;
  const x = refOf(ctx.inputs(p)[0]!, p.node, 'the input x');
  const out = p.outputShapes[0]!;
  const [, h, w] = x.shape as [number, number, number, number];
  const [oh, ow] = [out[1]!, out[2]!];
  if (h === 0 || w === 0) return ctx.nodeAsOpLayer(p, 'an empty spatial axis');
  const [sh, sw] = resizeScales(a, [h, w], [oh, ow]);
  const same = a.mode === 'nearest' ? sameNearest : sameBilinear;
  const interpolation = a.mode;
  if (oh % h === 0 && ow % w === 0 && same(a, sh, h, oh, false) && same(a, sw, w, ow, false)) {
    return ctx.keras.layer('UpSampling2D', p.node.spec.name, { size: [oh / h, ow / w], data_format: CL, interpolation }, [x], out);
  }
  // tfjs's Resizing layer (align_corners) is not used: its computeOutputShape drops the batch axis.
  return ctx.nodeAsOpLayer(p, `resize (${a.mode}, ${a.coordinateTransform}) that UpSampling2D does not compute exactly`);
};

export const pad: Emitter<'pad'> = (ctx, p) => {
  const a = p.node.attrs;
  const x = refOf(ctx.inputs(p)[0]!, p.node, 'the input x');
  if (a.mode === 'constant' && a.value === 0 && !Object.is(a.value, -0)) return zeroPad(ctx, x, a.pads, p.node.spec.name);
  return ctx.nodeAsOpLayer(p, `pad mode '${a.mode}'${a.mode === 'constant' ? ` with value ${a.value}` : ''} (Keras has ZeroPadding2D only)`);
};

export const batchNorm: Emitter<'batchNorm'> = (ctx, p) => {
  const a = p.node.attrs;
  const [xIn, ...params] = ctx.inputs(p);
  const x = refOf(xIn!, p.node, 'the input x');
  if (params.some((v) => v.constant === undefined)) return ctx.nodeAsOpLayer(p, 'a scale, bias, mean or variance is computed, not a graph weight');
  const [gamma, beta, mean, variance] = params.map((v) => v.constant!) as [F32, F32, F32, F32];
  const config = { axis: -1, momentum: 0.99, epsilon: a.epsilon, center: true, scale: true };
  const weights = [
    { name: 'gamma', value: gamma },
    { name: 'beta', value: beta },
    { name: 'moving_mean', value: mean },
    { name: 'moving_variance', value: variance },
  ];
  return ctx.keras.layer('BatchNormalization', p.node.spec.name, config, [x], p.outputShapes[0]!, weights);
};

/**
 * Keras core, merge and skip layers -> IR. Add and Concatenate of forking values become the
 * residual and concat merges (so findSkips lists them), a Multiply whose gate broadcasts over
 * semantic axes of a forking value becomes the gate merge (squeeze-and-excitation), and the
 * registered skip layers map one to one.
 */
import { FileFormatError, clipUserText, quoteUserValue, tensor, type Attrs, type Layout } from '@skipconn/core';
import { OP_LAYER_CLASS } from '../format';
import { camel, irAttrValue } from '../spelling';
import { keraslayout } from './graph';
import { channelsLastInput, config, relaid, unsupported, type CallContext, type Converter } from './context';

const ACTIVATIONS: Readonly<Record<string, { op: string; attrs?: Attrs } | null>> = {
  linear: null,
  relu: { op: 'relu' },
  relu6: { op: 'clip', attrs: { min: 0, max: 6 } },
  sigmoid: { op: 'sigmoid' },
  tanh: { op: 'tanh' },
  swish: { op: 'silu' },
  silu: { op: 'silu' },
  gelu: { op: 'gelu' },
  geluNew: { op: 'gelu', attrs: { approximate: 'tanh' } },
  softmax: { op: 'softmax', attrs: { axis: -1 } },
  // Keras' 'elu' activation has alpha 1 (tfjs-layers runs no other).
  elu: { op: 'elu' },
};

export const SUPPORTED_ACTIVATIONS = ['linear', 'relu', 'relu6', 'sigmoid', 'tanh', 'swish', 'silu', 'gelu', 'gelu_new', 'softmax', 'elu'];

/** Applies a Keras activation (by name) to `value`; 'linear' and none return it unchanged. */
export function activate(c: CallContext, value: string, activation: unknown, name = `${c.name}.${camel(String(activation ?? 'linear'))}`): string {
  const key = camel(String(activation ?? 'linear'));
  const act = Object.hasOwn(ACTIVATIONS, key) ? ACTIVATIONS[key] : undefined;
  if (act === undefined) unsupported(c, `activation '${clipUserText(String(activation))}'`, SUPPORTED_ACTIVATIONS);
  return act === null ? value : c.g.node(act.op, [value], act.attrs ?? {}, name);
}

export const identity: Converter = (c) => c.inputs[0]!;

export const activation: Converter = (c) => activate(c, c.inputs[0]!, config(c, 'activation'), c.name);

export const reLU: Converter = (c) => {
  const max = config(c, 'maxValue');
  const slope = config(c, 'negativeSlope') ?? 0;
  const threshold = config(c, 'threshold') ?? 0;
  if (slope !== 0 || threshold !== 0) unsupported(c, 'ReLU with negative_slope or threshold', ['ReLU with max_value or none']);
  // ReLU(max_value) = clip(0, max_value): ReLU6 in MobileNets.
  if (typeof max === 'number') return c.g.node('clip', [c.inputs[0]!], { min: 0, max }, c.name);
  return c.g.node('relu', [c.inputs[0]!], {}, c.name);
};

export const softmax: Converter = (c) => {
  const a = config(c, 'axis') ?? -1;
  const axis = Array.isArray(a) && a.length === 1 ? a[0] : a;
  if (typeof axis !== 'number') unsupported(c, `axis ${JSON.stringify(a)}`, ['one integer axis']);
  return c.g.node('softmax', [c.inputs[0]!], { axis }, c.name);
};

export const dense: Converter = (c) => {
  const w = relaid(c, 'kernel', [1, 0]);
  const b = config(c, 'useBias') === false ? [] : [relaid(c, 'bias')];
  return activate(c, c.g.node('dense', [c.inputs[0]!, w, ...b], {}, c.name), config(c, 'activation'));
};

export const layerNormalization: Converter = (c) => {
  const x = c.inputs[0]!;
  const rank = c.g.info(x).shape.length;
  const raw = config(c, 'axis') ?? -1;
  const axes = (Array.isArray(raw) ? raw : [raw]).map((a) => ((a as number) < 0 ? (a as number) + rank : (a as number))).sort((a, b) => a - b);
  if (axes.some((a, i) => a !== rank - axes.length + i)) unsupported(c, `axis ${JSON.stringify(raw)}`, ['trailing axes (the IR normalizes axes [axis..rank-1])']);
  const normalized = c.g.info(x).shape.slice(rank - axes.length);
  const center = config(c, 'center') !== false;
  const scale = config(c, 'scale') !== false;
  const params = [
    ...(scale ? [relaid(c, 'gamma')] : center ? [c.irWeight('gamma:ones', () => tensor('float32', normalized, new Float32Array(normalized.reduce((a, b) => a * b, 1)).fill(1)))] : []),
    ...(center ? [relaid(c, 'beta')] : []),
  ];
  return c.g.node('layerNorm', [x, ...params], { axis: rank - axes.length, epsilon: (config(c, 'epsilon') as number | undefined) ?? 1e-3 }, c.name);
};

export const reshape: Converter = (c) => {
  const target = (config(c, 'targetShape') as (number | null)[] | undefined) ?? [];
  const shape = [c.g.info(c.inputs[0]!).shape[0]!, ...target.map((d) => (d === null ? -1 : d))];
  const layout = keraslayout(shape.length);
  return c.g.node('reshape', [c.inputs[0]!], { shape, ...(layout ? { layout } : {}) }, c.name);
};

export const flatten: Converter = (c) => c.g.node('flatten', [c.inputs[0]!], { axis: 1 }, c.name);

export const permute: Converter = (c) => {
  const dims = config(c, 'dims');
  if (!Array.isArray(dims) || !dims.every((d) => Number.isSafeInteger(d))) {
    throw new FileFormatError(c.file, `layer '${clipUserText(c.name)}' (Permute): config.dims must be a list of axis numbers, received ${quoteUserValue(dims)}`);
  }
  return c.g.node('transpose', [c.inputs[0]!], { perm: [0, ...dims] }, c.name);
};

export const rescaling: Converter = (c) => {
  const scale = Number(config(c, 'scale') ?? 1);
  const offset = Number(config(c, 'offset') ?? 0);
  let y = c.inputs[0]!;
  if (scale !== 1) y = c.g.node('mul', [y, c.irWeight('scale', () => tensor('float32', [], [scale]))], {}, offset === 0 ? c.name : `${c.name}.scale`);
  if (offset !== 0) y = c.g.node('add', [y, c.irWeight('offset', () => tensor('float32', [], [offset]))], {}, c.name);
  return y;
};

/** Values of one rank relabelled with its channels-last layout, so merges see one channel axis. */
function aligned(c: CallContext, values: readonly string[]): string[] {
  return values.map((v, i) => (keraslayout(c.g.info(v).shape.length) === undefined ? v : channelsLastInput({ ...c, inputs: values }, i)));
}

const sameShape = (c: CallContext, a: string, b: string) => c.g.info(a).shape.join() === c.g.info(b).shape.join();

export const add: Converter = (c) => {
  let acc = c.inputs[0]!;
  c.inputs.slice(1).forEach((next, i) => {
    const name = i === c.inputs.length - 2 ? c.name : `${c.name}.${i}`;
    if (sameShape(c, acc, next) && c.g.forks([acc, next])) {
      const [shortcut, body] = aligned(c, c.g.shortcutFirst(acc, next));
      acc = c.g.node('residual', [shortcut!, body!], {}, name);
    } else {
      acc = c.g.node('add', [acc, next], {}, name);
    }
  });
  return acc;
};

export const subtract: Converter = (c) => c.g.node('sub', [c.inputs[0]!, c.inputs[1]!], {}, c.name);

/** Semantic name of axis `a` in a layout: the gate's broadcast axes. */
function axisName(layout: Layout, a: number): string {
  if (a === 0) return 'batch';
  if (layout === 'NHWC') return a === 3 ? 'channels' : 'spatial';
  if (layout === 'NTC') return a === 2 ? 'channels' : 'tokens';
  return 'channels';
}

export const multiply: Converter = (c) => {
  let acc = c.inputs[0]!;
  c.inputs.slice(1).forEach((next, i) => {
    const name = i === c.inputs.length - 2 ? c.name : `${c.name}.${i}`;
    const [a, b] = [c.g.info(acc).shape, c.g.info(next).shape];
    const bigger = a.reduce((p, d) => p * d, 1) >= b.reduce((p, d) => p * d, 1);
    const [x, g] = bigger ? [acc, next] : [next, acc];
    const xs = c.g.info(x).shape;
    const gs = c.g.info(g).shape;
    const layout = keraslayout(xs.length);
    const broadcast = gs.length === xs.length && gs.every((d, k) => d === xs[k] || d === 1) && gs.some((d, k) => d !== xs[k]);
    if (broadcast && layout !== undefined && c.g.forks([x, g])) {
      const names = [...new Set(gs.flatMap((d, k) => (d !== xs[k] ? [axisName(layout, k)] : [])))];
      acc = c.g.node('gate', [c.g.withLayout(x, layout), g], { broadcast: names }, name);
    } else {
      acc = c.g.node('mul', [acc, next], {}, name);
    }
  });
  return acc;
};

/** A Keras axis that must be the last (channel) axis of a value of `rank`. */
function lastAxis(c: CallContext, axis: unknown, rank: number): void {
  const a = typeof axis === 'number' ? axis : -1;
  if ((a < 0 ? a + rank : a) !== rank - 1) unsupported(c, `axis ${String(axis)}`, ['the last (channel) axis: the IR joins and scales on the channel axis']);
}

export const concatenate: Converter = (c) => {
  lastAxis(c, config(c, 'axis') ?? -1, c.g.info(c.inputs[0]!).shape.length);
  return c.g.node('concat', aligned(c, c.inputs), {}, c.name);
};

export const skipResidual: Converter = (c) => {
  const a = irAttrValue(c.call.config) as Record<string, unknown>;
  const rank = c.g.info(c.inputs[0]!).shape.length;
  const channel = a['scaleShape'] === 'channel';
  if (channel) lastAxis(c, a['channelAxis'] ?? -1, rank);
  const scales = (['alpha', 'beta'] as const).flatMap((k) => (a[k] === 'learned' ? [relaid(c, k, undefined, channel ? undefined : [])] : []));
  const attrs: Record<string, unknown> = {};
  if (a['alpha'] !== undefined && a['alpha'] !== 1) attrs['alpha'] = a['alpha'];
  if (a['beta'] !== undefined && a['beta'] !== 1) attrs['beta'] = a['beta'];
  if (a['activation'] !== undefined && a['activation'] !== 'none') attrs['activation'] = a['activation'];
  if (a['stochasticDepth'] !== undefined && a['stochasticDepth'] !== null) attrs['stochasticDepth'] = a['stochasticDepth'];
  return c.g.node('residual', [...aligned(c, c.inputs.slice(0, 2)), ...scales], attrs, c.name);
};

export const skipConcat: Converter = (c) => {
  lastAxis(c, config(c, 'axis') ?? -1, c.g.info(c.inputs[0]!).shape.length);
  const crop = config(c, 'crop') ?? 'none';
  return c.g.node('concat', aligned(c, c.inputs), crop === 'none' ? {} : { crop }, c.name);
};

export const skipHighway: Converter = (c) => c.g.node('highway', [...c.inputs], { carry: config(c, 'carry') ?? 'coupled' }, c.name);

export const skipGate: Converter = (c) => {
  const x = c.inputs[0]!;
  const rank = c.g.info(x).shape.length;
  const layout = keraslayout(rank);
  const axes = ((config(c, 'broadcastAxes') as number[] | undefined) ?? []).map((a) => (a < 0 ? a + rank : a));
  if (axes.length > 0 && layout === undefined) unsupported(c, `broadcast axes on a rank-${rank} value`, ['rank 2, 3 or 4 values']);
  const names = layout === undefined ? [] : [...new Set(axes.map((a) => axisName(layout, a)))];
  return c.g.node('gate', [layout === undefined ? x : c.g.withLayout(x, layout), c.inputs[1]!], { broadcast: names }, c.name);
};

/** An int32 constant of a SkipconnOp as it is stored (exact); a float32 one there is the file's fault. */
function int32Weight(c: CallContext, weight: string): string {
  return c.irWeight(`${weight}:int32`, () => {
    const keras = c.kerasWeight(weight);
    if (keras.dtype !== 'int32') throw new FileFormatError(c.file, `layer '${clipUserText(c.call.layer)}' (${OP_LAYER_CLASS}): weight '${weight}' is ${keras.dtype} in the manifest; its config says int32`);
    return keras;
  });
}

/** SkipconnOp (written by skipconn's exporter): the IR node it carries, on the tensors as they are; one output tensor per output of the op (topK: two). */
export const skipOp: Converter = (c) => {
  const op = String(config(c, 'op'));
  const attrs = irAttrValue(config(c, 'attrs') ?? {}) as Attrs;
  const infos = (config(c, 'inputs') as { shape: number[]; layout?: string; dtype?: string; constant?: boolean }[] | undefined) ?? [];
  let next = 0;
  const inputs = infos.map((info, i) => {
    if (info.constant === true && info.dtype === 'int32') return int32Weight(c, `input${i}`);
    if (info.constant === true) return relaid(c, `input${i}`);
    const value = c.inputs[next++];
    if (value === undefined) unsupported(c, `${OP_LAYER_CLASS} with more declared inputs than inbound tensors`, ['a config that matches the layer inputs']);
    return info.layout ? c.g.withLayout(value, info.layout.toUpperCase() as Layout) : value;
  });
  const outputs = c.g.nodeAllOutputs(op, inputs, attrs, c.name);
  return outputs.length === 1 ? outputs[0]! : outputs;
};

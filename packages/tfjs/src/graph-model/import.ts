/**
 * tfjs GraphModel (a TensorFlow GraphDef in JSON plus weights) -> validated IR graph with NHWC
 * values. Const nodes take their values from the weights manifest (float32, int32, and tfjs's
 * uint8 / uint16 / float16 quantization, dequantized as tfjs does). Nodes whose inputs are all
 * constants (shape subgraphs: Shape, StridedSlice, Pack, ...) are evaluated here and never reach
 * the IR; the rest map onto IR ops, with the converter's fused ops (_FusedConv2D with BiasAdd and
 * Relu / Relu6, _FusedMatMul, FusedDepthwiseConv2dNative) split into one IR node per step. An
 * AddV2 of two forking values of one shape becomes a residual merge, so findSkips lists the skips
 * of a converted Keras ResNet or MobileNetV2. Unsupported ops raise UnsupportedError naming the
 * op, the node and the supported ops.
 */
import {
  FileFormatError,
  SkipconnError,
  UnsupportedError,
  broadcastIndex,
  clipUserText,
  formatShape,
  sizeOf,
  float32Values,
  spatialSize,
  stridesOf,
  transposeInto,
  tensor,
  validateGraph,
  windowAsAttrs,
  type Attrs,
  type Graph,
  type HostTensor,
  type ValidatedGraph,
} from '@skipconn/core';
import { samePads } from '../layers-model/export/ops-image';
import { reshapeF32, transposeF32, type F32 } from '../layers-model/host';
import { ImportGraph, keraslayout } from '../layers-model/import/graph';
import { foldActivations, fuseZeroPadding } from '../layers-model/import';
import { decodeWeights } from '../layers-model/import/weights';
import { manifestQuantization, type WeightQuantization } from '../layers-model/export/quantize';
import { GRAPH_MODEL_FORMAT, isGraphModelJson, type GraphModelArtifacts, type TfAttrValue, type TfNodeJson, type TfTensorJson } from './format';

export interface GraphModelImportOptions {
  /** File names for error messages (default 'model.json' and the manifest's paths). */
  readonly file?: string;
  readonly weightsFile?: string;
  /** Size bound to an unknown (-1) batch dimension (default 1). */
  readonly batch?: number;
  /** Full input shapes by Placeholder name, for inputs with other unknown dims. */
  readonly inputShapes?: Readonly<Record<string, readonly number[]>>;
  /** Turn AddV2 of forking values into residual merges and fold a following relu (default true). */
  readonly recognizeSkips?: boolean;
  /** Name of the IR graph (default 'graph-model'). */
  readonly name?: string;
}

export interface GraphModelImport {
  readonly graph: Graph;
  readonly weights: Map<string, HostTensor>;
  readonly validated: ValidatedGraph;
  /** The TF tensor names ('node:0') of the IR graph's inputs and outputs, in IR order. */
  readonly tfInputs: readonly string[];
  readonly tfOutputs: readonly string[];
  /** Facts of the source; weightQuantization: how its weights were stored, when all alike (an export keeps it). */
  readonly source: { readonly generatedBy?: string; readonly convertedBy?: string; readonly weightQuantization?: WeightQuantization };
}

/** A constant known at import time (a Const node or a folded shape computation). */
interface Constant {
  readonly kind: 'const';
  readonly shape: readonly number[];
  readonly data: Float64Array;
}
/** A value the IR computes. */
interface Computed {
  readonly kind: 'ir';
  readonly value: string;
}
type Val = Constant | Computed;

const constant = (shape: readonly number[], data: ArrayLike<number>): Constant => ({ kind: 'const', shape: [...shape], data: Float64Array.from(data) });

interface OpContext {
  readonly node: TfNodeJson;
  readonly inputs: readonly Val[];
  readonly g: ImportGraph;
  readonly file: string;
  readonly recognizeSkips: boolean;
  /**
   * The IR weight for a constant, re-laid by `relayout` and added once per (constant, key), as
   * float32 or, beside int32 values, as int32 (TF's int32 constants hold integers exactly).
   */
  weight(index: number, key: string, relayout?: (t: F32) => F32, dtype?: 'float32' | 'int32'): string;
}

/** A node's value, or one per output for ops with several ('name:0', 'name:1', ...). */
type OpConverter = (c: OpContext) => Val | readonly Val[];

// ---- attributes ---------------------------------------------------------------------------

function attr(c: OpContext, key: string): TfAttrValue | undefined {
  const a = c.node.attr;
  return a !== undefined && Object.hasOwn(a, key) ? a[key] : undefined;
}

function decodeBase64(s: string): string {
  return new TextDecoder().decode(Uint8Array.from(atob(s), (ch) => ch.charCodeAt(0)));
}

function strAttr(c: OpContext, key: string, fallback: string): string {
  const v = attr(c, key)?.s;
  return v === undefined ? fallback : decodeBase64(v);
}

function intsAttr(c: OpContext, key: string, fallback: readonly number[]): number[] {
  const list = attr(c, key)?.list?.i;
  if (list === undefined || list.length === 0) return [...fallback];
  return list.map((v) => Number(v));
}

function boolAttr(c: OpContext, key: string, fallback: boolean): boolean {
  return attr(c, key)?.b ?? fallback;
}

function floatAttr(c: OpContext, key: string, fallback: number): number {
  return attr(c, key)?.f ?? fallback;
}

function unsupported(c: OpContext, what: string, supported: readonly string[]): never {
  throw new UnsupportedError(what, { node: c.node.name, op: c.node.op }, supported);
}

function requireNhwc(c: OpContext): void {
  const f = strAttr(c, 'data_format', 'NHWC');
  if (f !== 'NHWC') unsupported(c, `data_format '${clipUserText(f)}'`, ['NHWC']);
}

// ---- inputs -------------------------------------------------------------------------------

function computed(c: OpContext, index: number): string {
  const v = c.inputs[index];
  if (v === undefined) throw new FileFormatError(c.file, `node '${clipUserText(c.node.name)}' (${c.node.op}) has ${c.inputs.length} inputs; expected at least ${index + 1}`);
  if (v.kind !== 'ir') unsupported(c, `a constant as input ${index}`, ['a computed value as input ' + index]);
  return v.value;
}

function constInput(c: OpContext, index: number, what: string): Constant {
  const v = c.inputs[index];
  if (v === undefined) throw new FileFormatError(c.file, `node '${clipUserText(c.node.name)}' (${c.node.op}) has ${c.inputs.length} inputs; expected at least ${index + 1} (${what})`);
  if (v.kind !== 'const') unsupported(c, `a computed ${what} (input ${index})`, [`a constant ${what}`]);
  return v;
}

/** The rank-4 input relabelled NHWC (TF image ops are channels-last here). */
function imageInput(c: OpContext, index = 0): string {
  const x = computed(c, index);
  const rank = c.g.info(x).shape.length;
  if (rank !== 4) unsupported(c, `an input of rank ${rank}`, ['rank 4 (NHWC) inputs']);
  return c.g.withLayout(x, 'NHWC');
}

const out = (value: string): Computed => ({ kind: 'ir', value });

// ---- windows ------------------------------------------------------------------------------

/** IR pads [top, left, bottom, right] for TF padding on an NHWC value. */
function windowPads(c: OpContext, x: string, kernel: readonly number[], strides: readonly number[], dilations: readonly number[] = [1, 1]): number[] {
  const padding = strAttr(c, 'padding', 'VALID');
  if (padding === 'VALID') return [0, 0, 0, 0];
  if (padding === 'EXPLICIT') {
    const p = intsAttr(c, 'explicit_paddings', []);
    if (p.length !== 8 || p[0] !== 0 || p[1] !== 0 || p[6] !== 0 || p[7] !== 0) unsupported(c, `explicit_paddings ${JSON.stringify(p)}`, ['8 values padding only H and W (NHWC)']);
    return [p[2]!, p[4]!, p[3]!, p[5]!];
  }
  if (padding !== 'SAME') unsupported(c, `padding '${clipUserText(padding)}'`, ['VALID', 'SAME', 'EXPLICIT']);
  const [h, w] = spatialSize(c.g.info(x));
  const [t, b] = samePads(h, dilations[0]! * (kernel[0]! - 1) + 1, strides[0]!);
  const [l, r] = samePads(w, dilations[1]! * (kernel[1]! - 1) + 1, strides[1]!);
  return [t, l, b, r];
}

/** [1, h, w, 1] (NHWC strides, dilations, ksize) -> [h, w]. */
function spatialPair(c: OpContext, key: string): [number, number] {
  const v = intsAttr(c, key, [1, 1, 1, 1]);
  if (v.length !== 4 || v[0] !== 1 || v[3] !== 1) unsupported(c, `${key} ${JSON.stringify(v)}`, [`${key} [1, h, w, 1] (NHWC)`]);
  return [v[1]!, v[2]!];
}

// ---- fused activations and bias -----------------------------------------------------------

const ACTIVATIONS: Readonly<Record<string, { op: string; attrs?: Attrs }>> = {
  Relu: { op: 'relu' },
  Relu6: { op: 'clip', attrs: { min: 0, max: 6 } },
  Sigmoid: { op: 'sigmoid' },
  Tanh: { op: 'tanh' },
  // TF's Elu has no alpha: 1.
  Elu: { op: 'elu' },
};

function activation(c: OpContext, kind: string, x: string, name: string): string {
  const act = Object.hasOwn(ACTIVATIONS, kind) ? ACTIVATIONS[kind]! : unsupported(c, `fused activation '${clipUserText(kind)}'`, Object.keys(ACTIVATIONS));
  return c.g.node(act.op, [x], act.attrs ?? {}, name);
}

/**
 * The fused steps after a conv or matmul: BiasAdd (args[0]) or FusedBatchNorm (args: scale,
 * offset, mean, variance) and at most one activation. Returns the bias weight for the main node
 * and a function that applies what follows it.
 */
function fusedSteps(c: OpContext, firstArg: number): { bias?: string; after: (y: string) => string } {
  const ops = (attr(c, 'fused_ops')?.list?.s ?? []).map(decodeBase64);
  const [first, ...rest] = ops;
  let bias: string | undefined;
  let norm: ((y: string) => string) | undefined;
  let nextArg = firstArg;
  if (first === 'BiasAdd') {
    bias = c.weight(firstArg, 'bias');
    nextArg += 1;
  } else if (first === 'FusedBatchNorm') {
    const params = [0, 1, 2, 3].map((k) => c.weight(firstArg + k, `bn${k}`));
    const epsilon = floatAttr(c, 'epsilon', 1e-3);
    norm = (y) => c.g.node('batchNorm', [c.g.withLayout(y, keraslayout(c.g.info(y).shape.length)), ...params], { epsilon }, `${c.node.name}.batchNorm`);
    nextArg += 4;
  } else if (first !== undefined) rest.unshift(first);
  const supported = ['BiasAdd or FusedBatchNorm, then at most one of ' + [...Object.keys(ACTIVATIONS), 'LeakyRelu', 'Prelu'].join(', ')];
  if (rest.length > 1) unsupported(c, `fused_ops ${JSON.stringify(ops)}`, supported);
  return {
    bias,
    after: (y) => {
      let v = norm ? norm(y) : y;
      // The fused Prelu's alpha is the argument after the bias (or the batch norm's four).
      if (rest[0] === 'Prelu') v = prelu(c, v, c.weight(nextArg, 'alpha'), c.node.name);
      else if (rest[0] === 'LeakyRelu') v = leakyRelu(c, v, floatAttr(c, 'leakyrelu_alpha', 0.2), c.node.name);
      else if (rest[0] !== undefined) v = activation(c, rest[0], v, `${c.node.name}.${rest[0].toLowerCase()}`);
      return v;
    },
  };
}

/**
 * prelu(x) = relu(x) - alpha * relu(-x): x where x > 0, alpha * x elsewhere, with the same
 * single rounding as alpha * x (negation is exact), in IR ops every adapter has.
 */
function prelu(c: OpContext, x: string, alpha: string, name: string): string {
  const minusOne = c.g.weight(`${name}/minus_one`, tensor('float32', [], [-1]));
  const positive = c.g.node('relu', [x], {}, `${name}.positive`);
  const negated = c.g.node('mul', [x, minusOne], {}, `${name}.negated`);
  const negative = c.g.node('relu', [negated], {}, `${name}.negative`);
  const scaled = c.g.node('mul', [negative, alpha], {}, `${name}.scaled`);
  return c.g.node('sub', [positive, scaled], {}, name);
}

/** LeakyRelu(x; alpha) = x where x > 0, alpha * x elsewhere (TF's definition): prelu with a scalar alpha. */
function leakyRelu(c: OpContext, x: string, alpha: number, name: string): string {
  return prelu(c, x, c.g.weight(`${name}/alpha`, tensor('float32', [], [alpha])), name);
}

/** The main node's name: the TF name when nothing follows it, so outputs keep TF's names. */
function mainName(c: OpContext): string {
  const ops = (attr(c, 'fused_ops')?.list?.s ?? []).map(decodeBase64);
  return ops.some((o) => o !== 'BiasAdd') ? `${c.node.name}.main` : c.node.name;
}

// ---- converters ---------------------------------------------------------------------------

const conv2D: OpConverter = (c) => {
  requireNhwc(c);
  const x = imageInput(c);
  const filter = constInput(c, 1, 'filter');
  if (filter.shape.length !== 4) unsupported(c, `a filter of shape ${formatShape(filter.shape)}`, ['a filter [kH, kW, in/groups, out]']);
  const [kh, kw, ci] = filter.shape as [number, number, number, number];
  const channels = c.g.info(x).shape[3]!;
  if (ci === 0 || channels % ci !== 0)
    throw new FileFormatError(c.file, `node '${clipUserText(c.node.name)}' (${c.node.op}): filter ${formatShape(filter.shape)} needs input channels divisible by ${ci}, received ${channels}`);
  const strides = spatialPair(c, 'strides');
  const dilations = spatialPair(c, 'dilations');
  const pads = windowPads(c, x, [kh, kw], strides, dilations);
  const groups = channels / ci;
  const fused = c.node.op === '_FusedConv2D' ? fusedSteps(c, 2) : { bias: undefined, after: (y: string) => y };
  const w = c.weight(1, 'oihw', (t) => transposeF32(t, [3, 2, 0, 1]));
  const y = c.g.node('conv2d', [x, w, ...(fused.bias ? [fused.bias] : [])], { strides, pads, dilations, ...(groups !== 1 ? { groups } : {}) }, mainName(c));
  return out(fused.after(y));
};

const depthwiseConv2D: OpConverter = (c) => {
  requireNhwc(c);
  const x = imageInput(c);
  const filter = constInput(c, 1, 'filter');
  const channels = c.g.info(x).shape[3]!;
  if (filter.shape.length !== 4 || filter.shape[2] !== channels) unsupported(c, `a filter of shape ${formatShape(filter.shape)} for ${channels} channels`, [`a filter [kH, kW, ${channels}, multiplier]`]);
  const [kh, kw, , m] = filter.shape as [number, number, number, number];
  const strides = spatialPair(c, 'strides');
  const dilations = spatialPair(c, 'dilations');
  const pads = windowPads(c, x, [kh, kw], strides, dilations);
  const fused = c.node.op === 'FusedDepthwiseConv2dNative' ? fusedSteps(c, 2) : { bias: undefined, after: (y: string) => y };
  // [kH, kW, C, m] -> [C*m, 1, kH, kW]: output channel c*m + j, as TF orders them.
  const w = c.weight(1, 'depthwise', (t) => reshapeF32(transposeF32(t, [2, 3, 0, 1]), [channels * m, 1, kh, kw]));
  const y = c.g.node('conv2d', [x, w, ...(fused.bias ? [fused.bias] : [])], { strides, pads, dilations, groups: channels }, mainName(c));
  return out(fused.after(y));
};

const matMul: OpConverter = (c) => {
  if (boolAttr(c, 'transpose_a', false)) unsupported(c, 'transpose_a', ['transpose_a false']);
  const a = computed(c, 0);
  const fused = c.node.op === '_FusedMatMul' ? fusedSteps(c, 2) : { bias: undefined, after: (y: string) => y };
  const b = c.inputs[1];
  if (b?.kind === 'const') {
    if (b.shape.length !== 2) unsupported(c, `a constant b of shape ${formatShape(b.shape)}`, ['a constant b of rank 2']);
    // dense takes w [out, in]; TF's b is [in, out] unless transpose_b.
    const w = boolAttr(c, 'transpose_b', false) ? c.weight(1, 'w') : c.weight(1, 'w', (t) => transposeF32(t, [1, 0]));
    return out(fused.after(c.g.node('dense', [a, w, ...(fused.bias ? [fused.bias] : [])], {}, mainName(c))));
  }
  if (boolAttr(c, 'transpose_b', false)) unsupported(c, 'transpose_b with a computed b', ['transpose_b false']);
  let y = c.g.node('matmul', [a, computed(c, 1)], {}, fused.bias ? `${c.node.name}.matmul` : mainName(c));
  if (fused.bias) y = c.g.node('add', [y, fused.bias], {}, mainName(c));
  return out(fused.after(y));
};

/** x + y: a residual merge when they have one shape and fork from a common value, else add. */
function addComputed(c: OpContext, x: string, y: string, name: string): string {
  if (c.recognizeSkips && c.g.info(x).shape.join() === c.g.info(y).shape.join() && c.g.forks([x, y])) {
    const layout = keraslayout(c.g.info(x).shape.length);
    const [shortcut, body] = c.g.shortcutFirst(x, y).map((v) => c.g.withLayout(v, layout));
    return c.g.node('residual', [shortcut!, body!], {}, name);
  }
  return c.g.node('add', [x, y], {}, name);
}

/** The dtype of the computed inputs of a node (a constant beside them becomes a weight of it). */
function computedDType(c: OpContext): 'float32' | 'int32' {
  const v = c.inputs.find((x): x is Computed => x.kind === 'ir');
  return v !== undefined && c.g.info(v.value).dtype === 'int32' ? 'int32' : 'float32';
}

/**
 * Elementwise arithmetic: folded on constants, a weight operand for one constant. On int32
 * values (MoveNet's idx // W, idx - row * W) the constant is an int32 weight and no residual is
 * recognised: an int32 sum is index arithmetic, not a skip connection.
 */
const binary =
  (op: 'add' | 'sub' | 'mul' | 'div' | 'floorDiv' | 'equal', fn: (a: number, b: number) => number): OpConverter =>
  (c) => {
    const [a, b] = c.inputs as [Val, Val];
    if (c.inputs.length !== 2) throw new FileFormatError(c.file, `node '${clipUserText(c.node.name)}' (${c.node.op}) has ${c.inputs.length} inputs; expected 2`);
    if (a.kind === 'const' && b.kind === 'const') return foldBinary(c, a, b, fn);
    const dtype = computedDType(c);
    if (op === 'floorDiv' && dtype !== 'int32') unsupported(c, 'FloorDiv of float values (the IR floor-divides int32 only)', ['FloorDiv of int32 values', 'FloorDiv of constants']);
    if (op === 'add' && dtype === 'float32' && a.kind === 'ir' && b.kind === 'ir') return out(addComputed(c, a.value, b.value, c.node.name));
    const operand = (v: Val, i: number) => (v.kind === 'ir' ? v.value : c.weight(i, 'operand', undefined, dtype));
    return out(c.g.node(op, [operand(a, 0), operand(b, 1)], {}, c.node.name));
  };

/**
 * FloorMod on int32 (centernet's idx mod W): x - floorDiv(x, m) * m, the remainder with the
 * divisor's sign as TF's FloorMod gives it; folded on constants. Float FloorMod is refused.
 */
const floorMod: OpConverter = (c) => {
  const [a, b] = c.inputs as [Val, Val];
  if (c.inputs.length !== 2) throw new FileFormatError(c.file, `node '${clipUserText(c.node.name)}' (${c.node.op}) has ${c.inputs.length} inputs; expected 2`);
  if (a.kind === 'const' && b.kind === 'const') return foldBinary(c, a, b, (x, m) => x - Math.floor(x / m) * m);
  const dtype = computedDType(c);
  if (dtype !== 'int32') unsupported(c, 'FloorMod of float values (the IR floor-divides int32 only)', ['FloorMod of int32 values', 'FloorMod of constants']);
  const operand = (v: Val, i: number) => (v.kind === 'ir' ? v.value : c.weight(i, 'operand', undefined, dtype));
  const [x, m] = [operand(a, 0), operand(b, 1)];
  const quotient = c.g.node('floorDiv', [x, m], {}, `${c.node.name}/quotient`);
  return out(c.g.node('sub', [x, c.g.node('mul', [quotient, m], {}, `${c.node.name}/multiple`)], {}, c.node.name));
};

/** AddN (the grappler's rewrite of chained adds): pairwise, each pair a residual where it forks. */
const addN: OpConverter = (c) => {
  const values = c.inputs.map((_, i) => computed(c, i));
  if (values.length === 1) return out(values[0]!);
  return out(values.slice(1).reduce((acc, v, i) => addComputed(c, acc, v, i === values.length - 2 ? c.node.name : `${c.node.name}.${i}`), values[0]!));
};

/** Minimum / Maximum with a scalar constant (clip_by_value): clip with that bound. */
const bound =
  (which: 'min' | 'max'): OpConverter =>
  (c) => {
    const k = c.inputs.findIndex((v) => v.kind === 'const');
    const limit = k === -1 ? undefined : (c.inputs[k] as Constant);
    if (limit === undefined || limit.data.length !== 1 || c.inputs.length !== 2) unsupported(c, `${c.node.op} of two computed values or of a non-scalar constant`, [`${c.node.op} of a value and a scalar constant`]);
    // Maximum(x, m) is clip from below (min m); Minimum(x, m) is clip from above (max m).
    return out(c.g.node('clip', [computed(c, 1 - k)], { [which === 'max' ? 'min' : 'max']: limit.data[0]! }, c.node.name));
  };

const preluOp: OpConverter = (c) => out(prelu(c, computed(c, 0), c.weight(1, 'alpha'), c.node.name));
const leakyReluOp: OpConverter = (c) => out(leakyRelu(c, computed(c, 0), floatAttr(c, 'alpha', 0.2), c.node.name));

function foldBinary(c: OpContext, a: Constant, b: Constant, fn: (x: number, y: number) => number): Constant {
  const rank = Math.max(a.shape.length, b.shape.length);
  const shape: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a.shape[a.shape.length - rank + i] ?? 1;
    const db = b.shape[b.shape.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new FileFormatError(c.file, `node '${clipUserText(c.node.name)}' (${c.node.op}): constants ${formatShape(a.shape)} and ${formatShape(b.shape)} do not broadcast`);
    shape.push(da === 1 ? db : da);
  }
  const n = sizeOf(shape);
  const data = new Float64Array(n);
  const ia = broadcastIndex(a.shape, shape);
  const ib = broadcastIndex(b.shape, shape);
  for (let i = 0; i < n; i++) data[i] = fn(a.data[ia[i]!]!, b.data[ib[i]!]!);
  return constant(shape, data);
}

const unary =
  (op: string, attrs: Attrs = {}): OpConverter =>
  (c) =>
    out(c.g.node(op, [computed(c, 0)], attrs, c.node.name));

const passThrough = (c: OpContext): Val => {
  const v = c.inputs[0];
  if (v === undefined) throw new FileFormatError(c.file, `node '${clipUserText(c.node.name)}' (${c.node.op}) has no input`);
  return v;
};

const biasAdd: OpConverter = (c) => {
  requireNhwc(c);
  return out(c.g.node('add', [computed(c, 0), c.weight(1, 'bias')], {}, c.node.name));
};

const fusedBatchNorm: OpConverter = (c) => {
  requireNhwc(c);
  if (boolAttr(c, 'is_training', false)) unsupported(c, 'is_training true', ['inference (is_training false)']);
  const x = computed(c, 0);
  const layout = keraslayout(c.g.info(x).shape.length);
  if (layout === undefined) unsupported(c, `an input of rank ${c.g.info(x).shape.length}`, ['rank 2, 3 or 4 (channels last)']);
  const params = [1, 2, 3, 4].map((i) => c.weight(i, 'param'));
  return out(c.g.node('batchNorm', [c.g.withLayout(x, layout), ...params], { epsilon: floatAttr(c, 'epsilon', 1e-3) }, c.node.name));
};

const pool =
  (op: 'maxPool2d' | 'avgPool2d'): OpConverter =>
  (c) => {
    requireNhwc(c);
    const x = imageInput(c);
    const kernel = spatialPair(c, 'ksize');
    const strides = spatialPair(c, 'strides');
    const pads = windowPads(c, x, kernel, strides);
    // TF's average pooling divides by the real elements of a window ('SAME' padding does not count).
    return out(c.g.node(op, [x], { kernel, strides, pads, ...(op === 'avgPool2d' ? { countIncludePad: false } : {}) }, c.node.name));
  };

function normalizedAxes(c: OpContext, k: Constant, rank: number): number[] {
  return [...k.data].map((a) => (a < 0 ? a + rank : a)).sort((a, b) => a - b);
}

const mean: OpConverter = (c) => {
  const x = computed(c, 0);
  const rank = c.g.info(x).shape.length;
  const axes = normalizedAxes(c, constInput(c, 1, 'reduction_indices'), rank);
  if (rank !== 4 || axes.join() !== '1,2') unsupported(c, `a mean over axes [${axes.join(', ')}] of a rank-${rank} value`, ['the mean over H and W (axes [1, 2]) of an NHWC value']);
  const keep = boolAttr(c, 'keep_dims', false);
  const pooled = c.g.node('globalAvgPool', [c.g.withLayout(x, 'NHWC')], {}, keep ? c.node.name : `${c.node.name}.pool`);
  if (keep) return out(pooled);
  const shape = c.g.info(pooled).shape;
  return out(c.g.node('reshape', [pooled], { shape: [shape[0]!, shape[3]!], layout: 'NC' }, c.node.name));
};

const softmax: OpConverter = (c) => out(c.g.node('softmax', [computed(c, 0)], { axis: -1 }, c.node.name));

const concat: OpConverter = (c) => {
  const parts = c.inputs.slice(0, -1);
  const axisConst = constInput(c, c.inputs.length - 1, 'axis');
  if (parts.length === 0) throw new FileFormatError(c.file, `node '${clipUserText(c.node.name)}' (${c.node.op}) has no values to concatenate`);
  if (parts.every((p) => p.kind === 'const')) {
    // Shape arithmetic: concatenating 1-D constants.
    const consts = parts as Constant[];
    if (consts.some((p) => p.shape.length !== 1)) unsupported(c, 'concatenating constants of rank other than 1', ['rank-1 constants (shape vectors)']);
    const data = consts.flatMap((p) => [...p.data]);
    return constant([data.length], data);
  }
  // Constants beside computed values become weights of their dtype (MoveNet appends a constant
  // keypoint-index column to int32 coordinates).
  const dtype = computedDType(c);
  const values = parts.map((p, i) => (p.kind === 'ir' ? p.value : c.weight(i, 'part', undefined, dtype)));
  const rank = c.g.info(values[0]!).shape.length;
  const axis = axisConst.data[0]! < 0 ? axisConst.data[0]! + rank : axisConst.data[0]!;
  const layout = keraslayout(rank);
  if (layout === undefined || axis !== rank - 1) unsupported(c, `concatenation on axis ${axisConst.data[0]} of rank-${rank} values`, ['the last (channel) axis of rank 2, 3 or 4 values']);
  if (values.length === 1) return out(values[0]!);
  return out(
    c.g.node(
      'concat',
      values.map((v) => c.g.withLayout(v, layout)),
      {},
      c.node.name,
    ),
  );
};

const reshape: OpConverter = (c) => {
  const target = constInput(c, 1, 'shape');
  const shape = [...target.data];
  const x = c.inputs[0]!;
  if (x.kind === 'const') {
    if (shape.filter((d) => d === -1).length > 1) unsupported(c, 'a constant reshape with several -1', ['at most one -1']);
    const known = shape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    return constant(
      shape.map((d) => (d === -1 ? x.data.length / known : d)),
      x.data,
    );
  }
  const layout = keraslayout(shape.length);
  return out(c.g.node('reshape', [x.value], { shape, ...(layout ? { layout } : {}) }, c.node.name));
};

const squeeze: OpConverter = (c) => {
  const x = computed(c, 0);
  const inShape = c.g.info(x).shape;
  const dims = intsAttr(c, 'squeeze_dims', []).map((d) => (d < 0 ? d + inShape.length : d));
  const shape = inShape.filter((d, i) => (dims.length === 0 ? d !== 1 : !dims.includes(i)));
  const layout = keraslayout(shape.length);
  return out(c.g.node('reshape', [x], { shape, ...(layout ? { layout } : {}) }, c.node.name));
};

const pad: OpConverter = (c) => {
  const x = imageInput(c);
  const p = constInput(c, 1, 'paddings');
  if (p.shape.join() !== '4,2') unsupported(c, `paddings of shape ${formatShape(p.shape)}`, ['paddings [4, 2] on an NHWC value']);
  const [n0, n1, t, b, l, r, c0, c1] = [...p.data] as number[];
  let mode = 'constant';
  if (c.node.op === 'MirrorPad') {
    const m = strAttr(c, 'mode', 'REFLECT');
    if (m !== 'REFLECT') unsupported(c, `mode '${clipUserText(m)}'`, ['REFLECT']);
    mode = 'reflect';
  }
  const value = c.node.op === 'PadV2' ? constInput(c, 2, 'constant_values').data[0]! : 0;
  if (n0 !== 0 || n1 !== 0) unsupported(c, 'padding the batch axis', ['padding H, W and (with zeros) C']);
  let y = x;
  if (t !== 0 || b !== 0 || l !== 0 || r !== 0) {
    y = c.g.node('pad', [y], { pads: [t, l, b, r], ...(mode !== 'constant' ? { mode } : {}), ...(value !== 0 ? { value } : {}) }, c0 === 0 && c1 === 0 ? c.node.name : `${c.node.name}.spatial`);
  }
  if (c0 !== 0 || c1 !== 0) {
    if (mode !== 'constant' || value !== 0) unsupported(c, 'padding channels with other than zeros', ['zero padding of C']);
    // Zero channels before and after = a 1x1 conv with an identity kernel: each output channel
    // copies one input channel or is 0, exactly, in every adapter.
    const channels = c.g.info(y).shape[3]!;
    const total = c0! + channels + c1!;
    const kernel = new Float32Array(total * channels);
    for (let i = 0; i < channels; i++) kernel[(c0! + i) * channels + i] = 1;
    const w = c.g.weight(`${c.node.name}/channel_pad`, tensor('float32', [total, channels, 1, 1], kernel));
    y = c.g.node('conv2d', [y, w], {}, c.node.name);
  }
  return out(y);
};

// Shape arithmetic that only ever sees constants (a computed input is refused by constInput).
const shapeOf: OpConverter = (c) => {
  const v = c.inputs[0]!;
  const shape = v.kind === 'const' ? v.shape : c.g.info(v.value).shape;
  return constant([shape.length], shape);
};

/** TF dtypes of computed values and their IR dtypes (Placeholders and Cast). */
const TF_VALUE_DTYPES: Readonly<Record<string, 'float32' | 'int32'>> = { DT_FLOAT: 'float32', DT_INT32: 'int32' };

/**
 * TF's Cast: of a constant, folded (to an integer type it truncates toward zero); of a computed
 * value, an IR cast when the dtype changes (int32 image -> float32, or float32 -> int32, which
 * TF truncates toward zero as the IR does), nothing when it does not.
 */
const cast: OpConverter = (c) => {
  const v = passThrough(c);
  const to = attr(c, 'DstT')?.type;
  if (v.kind === 'ir') {
    const dtype = to === undefined ? undefined : TF_VALUE_DTYPES[to];
    if (dtype === undefined) unsupported(c, `a cast of a computed value to ${clipUserText(String(to))}`, Object.keys(TF_VALUE_DTYPES));
    return dtype === c.g.info(v.value).dtype ? v : out(c.g.node('cast', [v.value], { to: dtype }, c.node.name));
  }
  if (v.kind === 'const' && (to === 'DT_INT32' || to === 'DT_INT64'))
    return constant(
      v.shape,
      v.data.map((x) => Math.trunc(x)),
    );
  return v;
};

/**
 * Pack (tf.stack): of scalar constants on axis 0, a folded shape vector; with computed values,
 * each value (constants as weights of the computed values' dtype) gets a new axis of 1 by a
 * reshape and the concat joins them there. The IR concatenates on a layout's channel axis, so
 * the new axis must be the last (MoveNet stacks [17] rows and columns into [17, 3] coordinates).
 */
const pack: OpConverter = (c) => {
  const rawAxis = Number(attr(c, 'axis')?.i ?? 0);
  if (c.inputs.every((v) => v.kind === 'const')) {
    if (rawAxis !== 0) unsupported(c, 'packing constants on an axis other than 0', ['axis 0']);
    const parts = c.inputs.map((_, i) => constInput(c, i, 'value'));
    if (parts.some((p) => p.shape.length !== 0)) unsupported(c, 'packing non-scalar constants', ['scalars (shape vectors)']);
    return constant(
      [parts.length],
      parts.map((p) => p.data[0]!),
    );
  }
  const dtype = computedDType(c);
  const shapes = c.inputs.map((v) => (v.kind === 'const' ? v.shape : c.g.info(v.value).shape));
  const inShape = shapes[0]!;
  if (shapes.some((s) => s.join() !== inShape.join())) unsupported(c, `packing values of different shapes (${shapes.map((s) => formatShape(s)).join(', ')})`, ['values of one shape']);
  const rank = inShape.length + 1;
  const axis = rawAxis < 0 ? rawAxis + rank : rawAxis;
  const layout = keraslayout(rank);
  if (axis !== rank - 1 || layout === undefined) unsupported(c, `packing rank-${inShape.length} values on axis ${rawAxis}`, ['packing rank 1, 2 or 3 values on a new last axis']);
  const shape = [...inShape, 1];
  const parts = c.inputs.map((v, i) => c.g.node('reshape', [v.kind === 'ir' ? v.value : c.weight(i, 'value', undefined, dtype)], { shape, layout }, `${c.node.name}/${i}`));
  return out(parts.length === 1 ? parts[0]! : c.g.node('concat', parts, {}, c.node.name));
};

/** StridedSlice of a shape vector (rank-1 constant, one axis): folded. */
function foldStridedSlice(c: OpContext): Constant {
  const x = constInput(c, 0, 'value');
  const [begin, end, strides] = [1, 2, 3].map((i) => constInput(c, i, 'bound').data[0]!) as [number, number, number];
  if (x.shape.length !== 1 || constInput(c, 1, 'begin').data.length !== 1) unsupported(c, 'slicing other than one axis of a rank-1 constant', ['rank-1 constants (shape vectors)']);
  const mask = (key: string) => Number(attr(c, key)?.i ?? 0) & 1;
  if (mask('ellipsis_mask') || mask('new_axis_mask')) unsupported(c, 'ellipsis_mask or new_axis_mask', ['begin_mask, end_mask, shrink_axis_mask']);
  const n = x.shape[0]!;
  const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + n : v, 0), n);
  const from = mask('begin_mask') ? (strides > 0 ? 0 : n - 1) : clamp(begin);
  if (mask('shrink_axis_mask')) return constant([], [x.data[from]!]);
  const to = mask('end_mask') ? (strides > 0 ? n : -1) : clamp(end);
  const data: number[] = [];
  for (let i = from; strides > 0 ? i < to : i > to; i += strides) data.push(x.data[i]!);
  return constant([data.length], data);
}

/**
 * StridedSlice of a computed value, by TF's rules for each entry i of begin/end/strides:
 * begin_mask / end_mask bit i take the axis from its start / to its end (the start and end of the
 * walk: backwards for a negative stride), shrink_axis_mask bit i takes index begin[i] and drops
 * the axis, new_axis_mask bit i inserts an axis of 1, ellipsis_mask bit i stands for every axis
 * no entry names. Bounds count from the end when negative and clamp to the axis; a negative begin
 * below -d with a negative stride is an empty axis (TF), which ONNX's rule would read as index 0,
 * so the IR node gets the resolved window. One slice, then a reshape where axes are dropped or added.
 */
const stridedSlice: OpConverter = (c) => {
  if (c.inputs[0]?.kind === 'const') return foldStridedSlice(c);
  const x = computed(c, 0);
  const shape = c.g.info(x).shape;
  const rank = shape.length;
  const [begin, end, strides] = [1, 2, 3].map((i) => [...constInput(c, i, ['begin', 'end', 'strides'][i - 1]!).data]) as [number[], number[], number[]];
  const bits = (key: string) => Number(attr(c, key)?.i ?? 0);
  const [beginMask, endMask, shrinkMask, newAxisMask, ellipsisMask] = ['begin_mask', 'end_mask', 'shrink_axis_mask', 'new_axis_mask', 'ellipsis_mask'].map(bits) as [number, number, number, number, number];
  const has = (mask: number, i: number) => ((mask >> i) & 1) === 1;
  if (strides.includes(0)) unsupported(c, 'a stride of 0', ['non-zero strides']);
  const named = begin.filter((_, i) => !has(newAxisMask, i) && !has(ellipsisMask, i)).length;
  if (named > rank) unsupported(c, `${named} sliced axes on a rank-${rank} value`, [`at most ${rank} entries`]);
  const starts = shape.map(() => 0);
  const steps = shape.map(() => 1);
  const sizes = [...shape];
  const outShape: number[] = [];
  let axis = 0;
  const take = (a: number, i: number): void => {
    const d = shape[a]!;
    const stride = strides[i]!;
    const norm = (v: number) => (v < 0 ? v + d : v);
    if (has(shrinkMask, i)) {
      const at = norm(begin[i]!);
      if (at < 0 || at >= d) unsupported(c, `index ${begin[i]} of axis ${a} (size ${d}) taken by shrink_axis_mask`, [`an index in [${-d}, ${d - 1}]`]);
      [starts[a], sizes[a]] = [at, 1];
      return;
    }
    const lo = stride > 0 ? 0 : -1;
    const hi = stride > 0 ? d : d - 1;
    const clamp = (v: number) => Math.min(Math.max(v, lo), hi);
    const from = has(beginMask, i) ? (stride > 0 ? 0 : d - 1) : clamp(norm(begin[i]!));
    const to = has(endMask, i) ? (stride > 0 ? d : -1) : clamp(norm(end[i]!));
    const size = Math.max(0, Math.ceil((to - from) / stride));
    [starts[a], steps[a], sizes[a]] = [size === 0 ? 0 : from, stride, size];
    outShape.push(size);
  };
  begin.forEach((_, i) => {
    if (has(ellipsisMask, i)) {
      for (let k = 0; k < rank - named; k++) outShape.push(shape[axis++]!);
    } else if (has(newAxisMask, i)) outShape.push(1);
    else take(axis++, i);
  });
  for (; axis < rank; axis++) outShape.push(shape[axis]!);
  const attrs = windowAsAttrs({ starts, steps, sizes }, shape);
  const sliced = attrs.axes.length === 0 ? x : c.g.node('slice', [x], { ...attrs }, outShape.join() === sizes.join() ? c.node.name : `${c.node.name}/slice`);
  if (outShape.join() === sizes.join()) return out(sliced);
  const layout = keraslayout(outShape.length);
  return out(c.g.node('reshape', [sliced], { shape: outShape, ...(layout ? { layout } : {}) }, c.node.name));
};

/**
 * Split (axis, value; num_split equal pieces) and SplitV (value, size_splits with at most one -1,
 * axis) of a computed value: one slice per output, consecutive along the axis.
 */
const split: OpConverter = (c) => {
  const isSplit = c.node.op === 'Split';
  const x = computed(c, isSplit ? 1 : 0);
  const shape = c.g.info(x).shape;
  const raw = constInput(c, isSplit ? 0 : 2, 'axis').data[0]!;
  const axis = raw < 0 ? raw + shape.length : raw;
  if (!(axis >= 0 && axis < shape.length)) unsupported(c, `axis ${raw} of a rank-${shape.length} value`, [`an axis in [${-shape.length}, ${shape.length - 1}]`]);
  const d = shape[axis]!;
  let sizes: number[];
  if (isSplit) {
    const n = Number(attr(c, 'num_split')?.i ?? 1);
    if (!(n >= 1) || d % n !== 0) unsupported(c, `num_split ${n} on axis ${axis} of size ${d}`, [`a num_split that divides ${d}`]);
    sizes = new Array<number>(n).fill(d / n);
  } else {
    sizes = [...constInput(c, 1, 'size_splits').data];
    const inferred = sizes.indexOf(-1);
    if (inferred >= 0) sizes[inferred] = d - sizes.reduce((p, s, i) => (i === inferred ? p : p + s), 0);
    if (sizes.some((s) => !(s >= 0)) || sizes.reduce((p, s) => p + s, 0) !== d) unsupported(c, `size_splits [${sizes.join(', ')}] on axis ${axis} of size ${d}`, [`sizes >= 0 (one may be -1) adding up to ${d}`]);
  }
  let start = 0;
  return sizes.map((size, i) => {
    const y = c.g.node('slice', [x], { starts: [start], ends: [start + size], axes: [axis] }, `${c.node.name}/${i}`);
    start += size;
    return out(y);
  });
};

// ---- more image and shape ops ------------------------------------------------------------

function isValList(v: Val | readonly Val[]): v is readonly Val[] {
  return Array.isArray(v);
}

/** A constant transposed by perm (any rank). */
function foldTranspose(x: Constant, perm: readonly number[]): Constant {
  const data = new Float64Array(x.data.length);
  transposeInto(x.data, x.shape, perm, data);
  return constant(
    perm.map((p) => x.shape[p]!),
    data,
  );
}

const transposeOp: OpConverter = (c) => {
  const perm = [...constInput(c, 1, 'perm').data];
  const x = c.inputs[0]!;
  const rank = x.kind === 'const' ? x.shape.length : c.g.info(x.value).shape.length;
  if (perm.length !== rank || [...perm].sort((a, b) => a - b).some((p, i) => p !== i))
    throw new FileFormatError(c.file, `node '${clipUserText(c.node.name)}' (${c.node.op}): perm [${perm.join(', ')}] is not a permutation of ${rank} axes`);
  if (x.kind === 'const') return foldTranspose(x, perm);
  return out(c.g.node('transpose', [x.value], { perm }, c.node.name));
};

/** A new axis of length 1: a reshape (folded on constants). */
const expandDims: OpConverter = (c) => {
  const x = c.inputs[0]!;
  const inShape = x.kind === 'const' ? x.shape : c.g.info(x.value).shape;
  const raw = constInput(c, 1, 'axis').data[0]!;
  const axis = raw < 0 ? raw + inShape.length + 1 : raw;
  if (!Number.isInteger(axis) || axis < 0 || axis > inShape.length)
    throw new FileFormatError(c.file, `node '${clipUserText(c.node.name)}' (${c.node.op}): axis ${raw} is outside [${-inShape.length - 1}, ${inShape.length}]`);
  const shape = [...inShape.slice(0, axis), 1, ...inShape.slice(axis)];
  if (x.kind === 'const') return constant(shape, x.data);
  const layout = keraslayout(shape.length);
  return out(c.g.node('reshape', [x.value], { shape, ...(layout ? { layout } : {}) }, c.node.name));
};

/**
 * ResizeBilinear / ResizeNearestNeighbor to a constant size, as TF samples:
 *   align_corners        -> align_corners (nearest: round half up, TF's roundf for x >= 0)
 *   half_pixel_centers   -> bilinear: half_pixel; nearest: half_pixel with round half up, which is
 *                           floor((x_out + 0.5) * in / out), TF's nearest rule
 *   neither              -> asymmetric (nearest: floor)
 */
const resizeOp =
  (mode: 'bilinear' | 'nearest'): OpConverter =>
  (c) => {
    const x = imageInput(c);
    const size = constInput(c, 1, 'size');
    if (size.data.length !== 2) unsupported(c, `a size of shape ${formatShape(size.shape)}`, ['a size [height, width]']);
    const alignCorners = boolAttr(c, 'align_corners', false);
    const halfPixel = boolAttr(c, 'half_pixel_centers', false);
    if (alignCorners && halfPixel) throw new FileFormatError(c.file, `node '${clipUserText(c.node.name)}' (${c.node.op}): align_corners and half_pixel_centers are both true, which TF refuses`);
    const coordinateTransform = alignCorners ? 'align_corners' : halfPixel ? 'half_pixel' : 'asymmetric';
    const nearestMode = alignCorners || halfPixel ? 'round_prefer_ceil' : 'floor';
    return out(c.g.node('resize', [x], { mode, coordinateTransform, size: [...size.data], ...(mode === 'nearest' ? { nearestMode } : {}) }, c.node.name));
  };

/**
 * Conv2DBackpropInput (a Keras Conv2DTranspose): the gradient of conv2d(input of input_sizes,
 * filter [kH, kW, outC, inC]) with respect to its input, i.e. convTranspose2d with the forward
 * conv's padding as pads and outputPadding making the output exactly input_sizes.
 */
const conv2DBackpropInput: OpConverter = (c) => {
  requireNhwc(c);
  const sizes = [...constInput(c, 0, 'input_sizes').data];
  const filter = constInput(c, 1, 'filter');
  const x = imageInput(c, 2);
  if (filter.shape.length !== 4 || sizes.length !== 4)
    unsupported(c, `a filter of shape ${formatShape(filter.shape)} and input_sizes of ${sizes.length} values`, ['a filter [kH, kW, outC, inC] and input_sizes [N, H, W, C]']);
  const [kh, kw, oc, ic] = filter.shape as [number, number, number, number];
  const [h, w, channels] = c.g.info(x).shape.slice(1) as [number, number, number];
  if (ic !== channels || sizes[3] !== oc)
    unsupported(c, `filter ${formatShape(filter.shape)} with ${channels} input channels and input_sizes [${sizes.join(', ')}]`, ['filter [kH, kW, input_sizes[3], channels of out_backprop]']);
  const strides = spatialPair(c, 'strides');
  const dilations = spatialPair(c, 'dilations');
  // The forward conv's padding, computed on the forward input (input_sizes).
  const padding = strAttr(c, 'padding', 'VALID');
  let pads = [0, 0, 0, 0];
  if (padding === 'SAME') {
    const [t, b] = samePads(sizes[1]!, dilations[0] * (kh - 1) + 1, strides[0]);
    const [l, r] = samePads(sizes[2]!, dilations[1] * (kw - 1) + 1, strides[1]);
    pads = [t, l, b, r];
  } else if (padding !== 'VALID') unsupported(c, `padding '${clipUserText(padding)}'`, ['VALID', 'SAME']);
  const full = (input: number, k: number, s: number, d: number, p0: number, p1: number) => (input - 1) * s - p0 - p1 + d * (k - 1) + 1;
  const outputPadding = [sizes[1]! - full(h, kh, strides[0], dilations[0], pads[0]!, pads[2]!), sizes[2]! - full(w, kw, strides[1], dilations[1], pads[1]!, pads[3]!)];
  if (outputPadding.some((v, i) => v < 0 || v >= Math.max(strides[i]!, dilations[i]!)))
    unsupported(c, `input_sizes [${sizes.join(', ')}] for an out_backprop of ${h}x${w}`, ['input_sizes a forward conv with these strides and padding maps onto out_backprop']);
  // [kH, kW, outC, inC] -> [inC, outC, kH, kW] (the IR's convTranspose2d order).
  const wName = c.weight(1, 'iohw', (t) => transposeF32(t, [3, 2, 0, 1]));
  return out(c.g.node('convTranspose2d', [x, wName], { strides, pads, dilations, outputPadding }, c.node.name));
};

/** x * x (folded on constants). */
const square: OpConverter = (c) => {
  const x = c.inputs[0]!;
  if (x.kind === 'const')
    return constant(
      x.shape,
      x.data.map((v) => v * v),
    );
  return out(c.g.node('mul', [x.value, x.value], {}, c.node.name));
};

/** (a - b)^2: sub, then that value times itself (folded on constants). */
const squaredDifference: OpConverter = (c) => {
  const [a, b] = c.inputs as [Val, Val];
  if (a.kind === 'const' && b.kind === 'const') return foldBinary(c, a, b, (x, y) => (x - y) * (x - y));
  const operand = (v: Val, i: number) => (v.kind === 'ir' ? v.value : c.weight(i, 'operand'));
  const d = c.g.node('sub', [operand(a, 0), operand(b, 1)], {}, `${c.node.name}.difference`);
  return out(c.g.node('mul', [d, d], {}, c.node.name));
};

/** Elementwise math the IR has no op for: only on constants (shape arithmetic). */
const constantMath =
  (fn: (v: number) => number): OpConverter =>
  (c) => {
    const x = constInput(c, 0, 'value');
    return constant(x.shape, x.data.map(fn));
  };

/**
 * Unpack (tf.unstack) along an axis: of a constant, one constant per slice; of a computed value,
 * a reshape without the axis where it has size 1 (tf.unstack of a batch of one image, as
 * MoveNet's preprocessing does), else one slice per index, each reshaped without the axis
 * (MoveNet's [17, 2] keypoint offsets into rows and columns).
 */
const unpack: OpConverter = (c) => {
  const v = c.inputs[0];
  if (v?.kind === 'ir') {
    const inShape = c.g.info(v.value).shape;
    const rawAxis = Number(attr(c, 'axis')?.i ?? 0);
    const axis = rawAxis < 0 ? rawAxis + inShape.length : rawAxis;
    if (!(axis >= 0 && axis < inShape.length)) throw new FileFormatError(c.file, `node '${clipUserText(c.node.name)}' (${c.node.op}): axis ${rawAxis} is outside a rank-${inShape.length} value`);
    const shape = inShape.filter((_, i) => i !== axis);
    const layout = keraslayout(shape.length);
    const dropAxis = (x: string, name: string) => c.g.node('reshape', [x], { shape, ...(layout ? { layout } : {}) }, name);
    if (inShape[axis] === 1) return out(dropAxis(v.value, c.node.name));
    return Array.from({ length: inShape[axis]! }, (_, k) => {
      const name = k === 0 ? c.node.name : `${c.node.name}/${k}`;
      return out(dropAxis(c.g.node('slice', [v.value], { starts: [k], ends: [k + 1], axes: [axis] }, `${name}/slice`), name));
    });
  }
  const x = constInput(c, 0, 'value');
  const rawAxis = Number(attr(c, 'axis')?.i ?? 0);
  const axis = rawAxis < 0 ? rawAxis + x.shape.length : rawAxis;
  if (axis < 0 || axis >= x.shape.length) throw new FileFormatError(c.file, `node '${clipUserText(c.node.name)}' (${c.node.op}): axis ${rawAxis} is outside a rank-${x.shape.length} value`);
  const perm = [axis, ...x.shape.map((_, i) => i).filter((i) => i !== axis)];
  const moved = foldTranspose(x, perm);
  const sliceShape = moved.shape.slice(1);
  const n = sizeOf(sliceShape);
  return Array.from({ length: x.shape[axis]! }, (_, k) => constant(sliceShape, moved.data.subarray(k * n, (k + 1) * n)));
};

/** Sum of a constant over constant axes (keep_dims or not). */
const sum: OpConverter = (c) => {
  const x = constInput(c, 0, 'value');
  const axes = new Set(normalizedAxes(c, constInput(c, 1, 'reduction_indices'), x.shape.length));
  const keep = boolAttr(c, 'keep_dims', false);
  const kept = x.shape.map((d, i) => (axes.has(i) ? 1 : d));
  const data = new Float64Array(sizeOf(kept));
  const inStrides = stridesOf(x.shape);
  const outStrides = stridesOf(kept);
  for (let i = 0; i < x.data.length; i++) {
    let rest = i;
    let to = 0;
    for (let d = 0; d < x.shape.length; d++) {
      const q = Math.floor(rest / inStrides[d]!);
      rest -= q * inStrides[d]!;
      if (!axes.has(d)) to += q * outStrides[d]!;
    }
    data[to]! += x.data[i]!;
  }
  return constant(keep ? kept : x.shape.filter((_, i) => !axes.has(i)), data);
};

/**
 * GatherV2 (batch_dims 0, a constant axis): folded when params and indices are constants; on
 * axis 0 of a computed value (centernet's BatchGather of the box sizes at the peaks), gatherNd
 * with the indices as one-long coordinates (TF's GatherV2 on axis 0 is GatherNd of
 * indices[..., None]).
 */
const gather: OpConverter = (c) => {
  if (c.inputs[0]?.kind === 'ir' || c.inputs[1]?.kind === 'ir') return gatherComputed(c);
  const x = constInput(c, 0, 'params');
  const indices = constInput(c, 1, 'indices');
  const rawAxis = constInput(c, 2, 'axis').data[0]!;
  const axis = rawAxis < 0 ? rawAxis + x.shape.length : rawAxis;
  if (Number(attr(c, 'batch_dims')?.i ?? 0) !== 0) unsupported(c, 'batch_dims other than 0', ['batch_dims 0']);
  const outer = sizeOf(x.shape.slice(0, axis));
  const inner = sizeOf(x.shape.slice(axis + 1));
  const len = x.shape[axis]!;
  const data: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (const raw of indices.data) {
      const k = raw < 0 ? raw + len : raw;
      if (k < 0 || k >= len) throw new FileFormatError(c.file, `node '${clipUserText(c.node.name)}' (${c.node.op}): index ${raw} is outside an axis of ${len}`);
      for (let i = 0; i < inner; i++) data.push(x.data[(o * len + k) * inner + i]!);
    }
  }
  return constant([...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)], data);
};

function gatherComputed(c: OpContext): Val {
  if (Number(attr(c, 'batch_dims')?.i ?? 0) !== 0) unsupported(c, 'batch_dims other than 0', ['batch_dims 0']);
  const x = c.inputs[0]?.kind === 'const' ? c.weight(0, 'params') : computed(c, 0);
  const rank = c.g.info(x).shape.length;
  const rawAxis = constInput(c, 2, 'axis').data[0]!;
  if ((rawAxis < 0 ? rawAxis + rank : rawAxis) !== 0) unsupported(c, `gathering a computed value along axis ${rawAxis}`, ['axis 0 (or constant params and indices)']);
  const indices = c.inputs[1]?.kind === 'const' ? c.weight(1, 'indices', undefined, 'int32') : computed(c, 1);
  if (c.g.info(indices).dtype !== 'int32') unsupported(c, `indices of dtype ${c.g.info(indices).dtype}`, ['int32 indices']);
  const coordinates = c.g.node('reshape', [indices], { shape: [...c.g.info(indices).shape, 1] }, `${c.node.name}/coordinates`);
  return out(c.g.node('gatherNd', [x, coordinates], {}, c.node.name));
}

/**
 * TopKV2 (sorted, k a constant) is topK: values at ':0', int32 indices at ':1'. TF orders equal
 * values by the lower index first, as the IR does. sorted false leaves TF's order open, so the
 * sorted order the IR gives is one TF may give.
 */
const topKOp: OpConverter = (c) => {
  const x = computed(c, 0);
  const k = constInput(c, 1, 'k');
  if (k.data.length !== 1) unsupported(c, `k of shape ${formatShape(k.shape)}`, ['a scalar k']);
  const [values, indices] = c.g.nodeWithOutputs('topK', [x], { k: k.data[0]! }, c.node.name, ['', 'indices']);
  return [out(values!), out(indices!)];
};

/** Sqrt: folded on constants, the IR's sqrt on computed values. */
const sqrtOp: OpConverter = (c) => {
  const x = c.inputs[0];
  if (x?.kind === 'const') return constant(x.shape, x.data.map(Math.sqrt));
  return out(c.g.node('sqrt', [computed(c, 0)], {}, c.node.name));
};

/**
 * ArgMax (the axis a constant, output_type int32) is argMax without keepDims. TF's ties keep the
 * first maximum, as the IR's do; TF leaves NaN to its kernels, the IR makes the first NaN win.
 */
const argMaxOp: OpConverter = (c) => {
  const x = computed(c, 0);
  const rank = c.g.info(x).shape.length;
  const raw = constInput(c, 1, 'dimension').data[0]!;
  const outType = attr(c, 'output_type')?.type ?? 'DT_INT64';
  if (outType !== 'DT_INT32') unsupported(c, `output_type ${clipUserText(outType)}`, ['output_type DT_INT32 (the IR has no int64 values)']);
  if (!(raw >= -rank && raw < rank)) throw new FileFormatError(c.file, `node '${clipUserText(c.node.name)}' (${c.node.op}): axis ${raw} is outside [${-rank}, ${rank - 1}]`);
  return out(c.g.node('argMax', [x], { axis: raw < 0 ? raw + rank : raw, keepDims: false }, c.node.name));
};

/** GatherNd of a computed value by computed or constant int32 indices (batch_dims 0, TF's only form). */
const gatherNdOp: OpConverter = (c) => {
  const x = computed(c, 0);
  const indices = c.inputs[1]?.kind === 'const' ? c.weight(1, 'indices', undefined, 'int32') : computed(c, 1);
  if (c.g.info(indices).dtype !== 'int32') unsupported(c, `indices of dtype ${c.g.info(indices).dtype}`, ['int32 indices']);
  return out(c.g.node('gatherNd', [x, indices], {}, c.node.name));
};

const CONVERTERS: Readonly<Record<string, OpConverter>> = {
  Abs: constantMath(Math.abs),
  Conv2DBackpropInput: conv2DBackpropInput,
  ExpandDims: expandDims,
  FloorDiv: binary('floorDiv', (a, b) => Math.floor(a / b)),
  ArgMax: argMaxOp,
  GatherNd: gatherNdOp,
  GatherV2: gather,
  Equal: binary('equal', (a, b) => (a === b ? 1 : 0)),
  FloorMod: floorMod,
  TopKV2: topKOp,
  ResizeBilinear: resizeOp('bilinear'),
  ResizeNearestNeighbor: resizeOp('nearest'),
  Rsqrt: constantMath((v) => 1 / Math.sqrt(v)),
  Sqrt: sqrtOp,
  Square: square,
  SquaredDifference: squaredDifference,
  Sum: sum,
  Transpose: transposeOp,
  Unpack: unpack,
  Add: binary('add', (a, b) => a + b),
  AddN: addN,
  AddV2: binary('add', (a, b) => a + b),
  AvgPool: pool('avgPool2d'),
  BiasAdd: biasAdd,
  Cast: cast,
  ConcatV2: concat,
  Conv2D: conv2D,
  DepthwiseConv2dNative: depthwiseConv2D,
  FusedBatchNorm: fusedBatchNorm,
  FusedBatchNormV2: fusedBatchNorm,
  FusedBatchNormV3: fusedBatchNorm,
  FusedDepthwiseConv2dNative: depthwiseConv2D,
  Identity: passThrough,
  MatMul: matMul,
  MaxPool: pool('maxPool2d'),
  Maximum: bound('max'),
  Mean: mean,
  Minimum: bound('min'),
  MirrorPad: pad,
  Mul: binary('mul', (a, b) => a * b),
  Pack: pack,
  Pad: pad,
  PadV2: pad,
  Prelu: preluOp,
  LeakyRelu: leakyReluOp,
  RealDiv: binary('div', (a, b) => a / b),
  Relu: unary('relu'),
  Elu: unary('elu'),
  Relu6: unary('clip', { min: 0, max: 6 }),
  Reshape: reshape,
  Shape: shapeOf,
  Sigmoid: unary('sigmoid'),
  Snapshot: passThrough,
  Softmax: softmax,
  Squeeze: squeeze,
  StopGradient: passThrough,
  Split: split,
  SplitV: split,
  StridedSlice: stridedSlice,
  Sub: binary('sub', (a, b) => a - b),
  Tanh: unary('tanh'),
  _FusedConv2D: conv2D,
  _FusedMatMul: matMul,
};

/** TF ops the importer reads (Const, Placeholder and NoOp besides). */
export const SUPPORTED_TF_OPS: readonly string[] = [...Object.keys(CONVERTERS), 'Const', 'NoOp', 'Placeholder'].sort();

// ---- the graph ----------------------------------------------------------------------------

/** 'name', 'name:0' -> 'name:0'; control inputs ('^name') -> undefined. */
function tensorRef(input: string): string | undefined {
  if (input.startsWith('^')) return undefined;
  return /:\d+$/.test(input) ? input : `${input}:0`;
}

const nodeOf = (ref: string) => ref.slice(0, ref.lastIndexOf(':'));

function dims(shape: { readonly dim?: readonly { readonly size?: string | number }[] } | undefined): number[] {
  return (shape?.dim ?? []).map((d) => Number(d.size ?? 0));
}

/** An inline TensorProto (a Const the converter did not move into the weights). */
function inlineTensor(t: TfTensorJson, node: string, file: string): Constant {
  const shape = dims(t.tensorShape);
  const n = sizeOf(shape);
  let values: number[];
  if (t.tensorContent !== undefined) {
    const bytes = Uint8Array.from(atob(t.tensorContent), (ch) => ch.charCodeAt(0));
    const view = new DataView(bytes.buffer);
    if (t.dtype === 'DT_FLOAT') values = Array.from({ length: bytes.length / 4 }, (_, i) => view.getFloat32(4 * i, true));
    else if (t.dtype === 'DT_INT32') values = Array.from({ length: bytes.length / 4 }, (_, i) => view.getInt32(4 * i, true));
    else throw new FileFormatError(file, `Const '${clipUserText(node)}': inline tensorContent of ${t.dtype} is not supported; supported: DT_FLOAT, DT_INT32`);
  } else values = [...(t.floatVal ?? t.intVal ?? (t.int64Val ?? []).map(Number))];
  // TF stores a constant fill as one value.
  if (values.length === 1 && n > 1) values = new Array<number>(n).fill(values[0]!);
  if (values.length !== n) throw new FileFormatError(file, `Const '${clipUserText(node)}': ${values.length} inline values for shape ${formatShape(shape)} (${n} elements)`);
  return constant(shape, values);
}

/** Nodes in an order where every data input comes first (GraphDefs need not be sorted). */
function topologicalOrder(nodes: readonly TfNodeJson[], file: string): TfNodeJson[] {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const state = new Map<string, 'visiting' | 'done'>();
  const order: TfNodeJson[] = [];
  for (const root of nodes) {
    if (state.has(root.name)) continue;
    const stack: { node: TfNodeJson; next: number }[] = [{ node: root, next: 0 }];
    state.set(root.name, 'visiting');
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const inputs = (top.node.input ?? []).map(tensorRef).filter((r): r is string => r !== undefined);
      if (top.next < inputs.length) {
        const name = nodeOf(inputs[top.next++]!);
        const dep = byName.get(name);
        if (dep === undefined) throw new FileFormatError(file, `node '${clipUserText(top.node.name)}' (${clipUserText(top.node.op)}) reads '${clipUserText(name)}', which is not a node of the graph`);
        const s = state.get(name);
        if (s === 'visiting') throw new FileFormatError(file, `node '${clipUserText(name)}' is part of a cycle (GraphModels without control flow are acyclic)`);
        if (s === undefined) {
          state.set(name, 'visiting');
          stack.push({ node: dep, next: 0 });
        }
      } else {
        state.set(top.node.name, 'done');
        order.push(top.node);
        stack.pop();
      }
    }
  }
  return order;
}

export function importGraphModel(artifacts: GraphModelArtifacts, options: GraphModelImportOptions = {}): GraphModelImport {
  const file = options.file ?? 'model.json';
  const json = artifacts.modelJson;
  if (!isGraphModelJson(json)) throw new FileFormatError(file, `not a tfjs GraphModel: expected "format": "${GRAPH_MODEL_FORMAT}" or a modelTopology with a node list`);
  const nodes = json.modelTopology.node;
  if (!Array.isArray(nodes) || nodes.some((n) => typeof n?.name !== 'string' || typeof n.op !== 'string')) {
    throw new FileFormatError(file, 'modelTopology.node must be a list of nodes, each with a string name and op');
  }
  if ((json.modelTopology.library?.function?.length ?? 0) > 0) {
    throw new UnsupportedError('a function library (control flow: While, If, ...)', { node: 'modelTopology.library', op: 'function' }, ['graphs without functions']);
  }
  const weightsFile = options.weightsFile ?? json.weightsManifest?.flatMap((g) => g.paths).join(', ') ?? 'weights';
  const stored = decodeWeights({ modelTopology: {} as never, weightsManifest: json.weightsManifest }, artifacts.weightData, weightsFile);
  const g = new ImportGraph();
  const values = new Map<string, Val>();
  const irWeights = new Map<string, string>();
  const tfInputs: string[] = [];
  const recognizeSkips = options.recognizeSkips ?? true;

  // Unsupported ops first, in file order: control flow (Merge, NextIteration) would otherwise
  // surface as a cycle, and the user should hear about the op, not about the graph's shape.
  for (const node of nodes) {
    if (!Object.hasOwn(CONVERTERS, node.op) && !['Const', 'NoOp', 'Placeholder'].includes(node.op)) {
      throw new UnsupportedError(`TF op ${clipUserText(node.op)}`, { node: node.name, op: node.op }, SUPPORTED_TF_OPS);
    }
  }
  for (const node of topologicalOrder(nodes, file)) {
    const ref = `${node.name}:0`;
    if (node.op === 'NoOp') continue;
    if (node.op === 'Const') {
      const t = stored.get(node.name);
      const inline = node.attr?.['value']?.tensor;
      if (t !== undefined)
        values.set(ref, constant(t.shape, float32Values(t))); // int32 weights decode exact; the importer reads them as float32
      else if (inline !== undefined) values.set(ref, inlineTensor(inline, node.name, file));
      else throw new FileFormatError(file, `Const '${clipUserText(node.name)}' has no value: not in the weights manifest (${weightsFile}) and no inline tensor`);
      continue;
    }
    if (node.op === 'Placeholder') {
      const tfDtype = node.attr?.['dtype']?.type ?? 'DT_FLOAT';
      const dtype = TF_VALUE_DTYPES[tfDtype];
      if (dtype === undefined)
        throw new UnsupportedError(
          `an input of dtype ${clipUserText(tfDtype)}`,
          { node: node.name, op: node.op },
          Object.keys(TF_VALUE_DTYPES).map((d) => `${d} inputs`),
        );
      const declared = dims(node.attr?.['shape']?.shape);
      const shape = options.inputShapes?.[node.name] ?? declared.map((d, i) => (d === -1 && i === 0 ? (options.batch ?? 1) : d));
      if (node.attr?.['shape']?.shape?.unknownRank || shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
        throw new SkipconnError('INPUT_INVALID', `${file}: input '${clipUserText(node.name)}' has shape [${declared.join(',')}] with unknown dimensions; give its full shape (inputShapes)`);
      }
      values.set(ref, out(g.input(node.name, shape, keraslayout(shape.length), dtype)));
      tfInputs.push(ref);
      continue;
    }
    const convert = CONVERTERS[node.op]!;
    const inputRefs = (node.input ?? []).map(tensorRef).filter((r): r is string => r !== undefined);
    const inputs = inputRefs.map((r) => {
      const v = values.get(r);
      if (v === undefined) throw new FileFormatError(file, `node '${clipUserText(node.name)}' (${node.op}) reads '${clipUserText(r)}', which no supported node produces (only output 0 of each node is read)`);
      return v;
    });
    const ctx: OpContext = {
      node,
      inputs,
      g,
      file,
      recognizeSkips,
      weight(index, key, relayout, dtype = 'float32') {
        const v = inputs[index];
        if (v === undefined) throw new FileFormatError(file, `node '${clipUserText(node.name)}' (${node.op}) has ${inputs.length} inputs; expected at least ${index + 1}`);
        if (v.kind !== 'const') throw new UnsupportedError(`a computed value as input ${index}`, { node: node.name, op: node.op }, [`a constant input ${index}`]);
        const cacheKey = `${inputRefs[index]}|${key}|${dtype}`;
        let name = irWeights.get(cacheKey);
        if (name === undefined) {
          let t: F32 = { shape: [...v.shape], data: Float32Array.from(v.data) };
          if (relayout) t = relayout(t);
          name = g.weight(nodeOf(inputRefs[index]!), dtype === 'int32' ? tensor('int32', t.shape, Array.from(t.data)) : tensor('float32', t.shape, t.data));
          irWeights.set(cacheKey, name);
        }
        return name;
      },
    };
    const result = convert(ctx);
    if (isValList(result)) result.forEach((v, i) => values.set(`${node.name}:${i}`, v));
    else values.set(ref, result);
  }

  const outputRefs = outputsOf(json, nodes);
  const outputs = outputRefs.map((r) => {
    const v = values.get(r);
    if (v === undefined) throw new FileFormatError(file, `output '${clipUserText(r)}' is not produced by any node`);
    if (v.kind !== 'ir') throw new UnsupportedError(`a constant output (${clipUserText(r)})`, { node: nodeOf(r), op: 'output' }, ['outputs computed from the inputs']);
    return v.value;
  });
  // An output that is an input (or the same value twice) needs its own IR value.
  const seen = new Set<string>(g.inputs.map((i) => i.name));
  outputs.forEach((o, i) => {
    if (seen.has(o)) outputs[i] = g.node('reshape', [o], { shape: [...g.info(o).shape], ...(g.info(o).layout ? { layout: g.info(o).layout } : {}) }, nodeOf(outputRefs[i]!));
    seen.add(outputs[i]!);
  });
  fuseZeroPadding(g, outputs);
  if (recognizeSkips) foldActivations(g, outputs);
  const graph = g.graph(options.name ?? 'graph-model', outputs);
  const validated = validateGraph(graph);
  const weightQuantization = manifestQuantization(json.weightsManifest);
  return {
    graph,
    weights: g.weights,
    validated,
    tfInputs,
    tfOutputs: outputRefs,
    source: { generatedBy: json.generatedBy, convertedBy: json.convertedBy ?? undefined, ...(weightQuantization ? { weightQuantization } : {}) },
  };
}

/** The signature's outputs, else (as tfjs does) every node no other node reads, in node order. */
function outputsOf(json: { signature?: { outputs?: Readonly<Record<string, { readonly name?: string }>> } }, nodes: readonly TfNodeJson[]): string[] {
  const named = Object.values(json.signature?.outputs ?? {})
    .map((o) => o?.name)
    .filter((n): n is string => typeof n === 'string');
  if (named.length > 0) return named.map((n) => tensorRef(n)!);
  const read = new Set<string>();
  for (const n of nodes) for (const i of n.input ?? []) read.add(nodeOf(tensorRef(i.replace(/^\^/, ''))!));
  return nodes.filter((n) => !read.has(n.name) && n.op !== 'Const' && n.op !== 'NoOp' && n.op !== 'Placeholder').map((n) => `${n.name}:0`);
}

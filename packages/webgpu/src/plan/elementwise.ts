/**
 * How each elementwise op and each merge (except concat) becomes an expression: one lowering per
 * op, typed by the op's node (so its attributes are), which the op table (./ops.ts) names.
 * `arg(i, align)` asks the fusion pass for input i (it decides whether the producer is inlined or
 * read as a leaf), `leaf(value, align, slice)` reads a value the node does not name as an input
 * (a packed constant).
 */
import { channelAxis, scaleForm, stochasticDepthFactor, transposePerm, type ActivationKind, type OpType, type ScaleSpec, type ValidatedNode, type ValidatedNodeOf, type WeightStore } from '@skipconn/core';
import type { EOp, ExprBuilder } from '../kernels/expr';

/** How a leaf's values line up with the expression's (output) shape. */
export type Align =
  | { readonly k: 'same' }
  | { readonly k: 'numpy' }
  | { readonly k: 'channel'; readonly axis: number }
  | { readonly k: 'scalar' }
  /** Output axis a reads input axis perm[a] (transpose). */
  | { readonly k: 'perm'; readonly perm: readonly number[] };

export const SAME: Align = { k: 'same' };
export const NUMPY: Align = { k: 'numpy' };
export const SCALAR: Align = { k: 'scalar' };

export interface LowerContext {
  readonly eb: ExprBuilder;
  arg(i: number, align: Align): number;
  /** A leaf on a value not among the node's inputs; `slice` picks [offset, offset + length) of a 1-D constant. */
  leaf(value: string, align: Align, slice?: { offset: number; length: number }): number;
  /** Registers a derived float32 constant; returns its value name. */
  constant(name: string, data: Float32Array): string;
  readonly weights: WeightStore;
  readonly weightNames: ReadonlySet<string>;
}

/** Op K as an expression of its inputs: returns the root's index in `ctx.eb`. */
export type ElementwiseLowering<K extends OpType> = (node: ValidatedNodeOf<K>, ctx: LowerContext) => number;

/** A lowering that reads no attributes, so it serves any op's slot. */
export type AnyElementwiseLowering = (node: ValidatedNode, ctx: LowerContext) => number;

function activation(eb: ExprBuilder, kind: ActivationKind, x: number): number {
  return kind === 'none' ? x : eb.op(kind as EOp, x);
}

/** add, sub, mul, div, floorDiv (`floordiv`): NumPy broadcasting; the operands' type (f32 or i32) is the bindings'. */
export const lowerBinary =
  (op: 'add' | 'sub' | 'mul' | 'div' | 'floordiv'): AnyElementwiseLowering =>
  (_node, { eb, arg }) =>
    eb.op(op, arg(0, NUMPY), arg(1, NUMPY));

/** equal: 1 or 0 in the operands' type, `eq` on floats (by their bits, see kernels/wgsl.ts) and `ieq` on int32. */
export const lowerEqual: ElementwiseLowering<'equal'> = (node, { eb, arg }) => eb.op(node.inputs[0]!.dtype === 'int32' ? 'ieq' : 'eq', arg(0, NUMPY), arg(1, NUMPY));

/** An activation without attributes. */
export const lowerUnary =
  (eop: EOp): AnyElementwiseLowering =>
  (_node, { eb, arg }) =>
    eb.op(eop, arg(0, SAME));

/** residual: act(alpha*x + (beta*sd)*f), the stochastic-depth factor folded into beta. */
export const lowerResidual: ElementwiseLowering<'residual'> = (node, { eb, arg }) => {
  const attrs = node.attrs;
  const data = node.outputs[0]!;
  let learned = 2;
  const scale = (spec: ScaleSpec, what: 'alpha' | 'beta', extra: number): number | undefined => {
    if (spec !== 'learned') {
      const v = spec * extra;
      return v === 1 ? undefined : eb.c(v);
    }
    const i = learned++;
    const form = scaleForm(node.inputs[i]!, data, what, { node: node.spec.name, op: 'residual' });
    const leaf = arg(i, form === 'scalar' ? SCALAR : { k: 'channel', axis: channelAxis(data.layout!) });
    return extra === 1 ? leaf : eb.op('mul', leaf, eb.c(extra));
  };
  const alpha = scale(attrs.alpha, 'alpha', 1);
  const beta = scale(attrs.beta, 'beta', stochasticDepthFactor(attrs.stochasticDepth));
  const x = arg(0, SAME);
  const f = arg(1, SAME);
  const a = alpha === undefined ? x : eb.op('mul', alpha, x);
  const b = beta === undefined ? f : eb.op('mul', beta, f);
  return activation(eb, attrs.activation, eb.op('add', a, b));
};

/** highway: T*h + C*x with T = sigmoid(t), C = 1 - T or sigmoid(c). */
export const lowerHighway: ElementwiseLowering<'highway'> = (node, { eb, arg }) => {
  const x = arg(0, SAME);
  const h = arg(1, SAME);
  const t = eb.op('sigmoid', arg(2, SAME));
  const c = node.attrs.carry === 'coupled' ? eb.op('sub', eb.c(1), t) : eb.op('sigmoid', arg(3, SAME));
  return eb.op('add', eb.op('mul', t, h), eb.op('mul', c, x));
};

/** gate: x * g, g broadcast over the declared axes (validated by core; NumPy alignment reads it). */
export const lowerGate: AnyElementwiseLowering = (_node, { eb, arg }) => eb.op('mul', arg(0, SAME), arg(1, NUMPY));

/**
 * batchNorm: scale*(x - mean)/sqrt(var + eps) + bias. When the four
 * parameters are weights they are packed into one constant [scale, bias, mean, sqrt(var + eps)]
 * (the square root taken in float64), so the kernel binds one buffer instead of four.
 */
export const lowerBatchNorm: ElementwiseLowering<'batchNorm'> = (node, ctx) => {
  const { eb } = ctx;
  const eps = node.attrs.epsilon;
  const axis = channelAxis(node.outputs[0]!.layout!);
  const align: Align = { k: 'channel', axis };
  const x = ctx.arg(0, SAME);
  const params = node.spec.inputs.slice(1);
  let s: number;
  let b: number;
  let m: number;
  let d: number;
  if (params.every((p) => ctx.weightNames.has(p))) {
    const [scale, bias, mean, variance] = params.map((p) => ctx.weights.get(p)!.data as Float32Array);
    const c = scale!.length;
    const pack = new Float32Array(4 * c);
    pack.set(scale!, 0);
    pack.set(bias!, c);
    pack.set(mean!, 2 * c);
    for (let i = 0; i < c; i++) pack[3 * c + i] = Math.sqrt(variance![i]! + eps);
    const name = ctx.constant(`${node.spec.name}#bn`, pack);
    [s, b, m, d] = [0, 1, 2, 3].map((k) => ctx.leaf(name, align, { offset: k * c, length: c })) as [number, number, number, number];
  } else {
    [s, b, m] = [1, 2, 3].map((i) => ctx.arg(i, align)) as [number, number, number];
    d = eb.op('sqrt', eb.op('add', ctx.arg(4, align), eb.c(eps)));
  }
  // (x - mean) * (scale / d) + bias: the reference's value up to rounding, and the factor
  // depends on the channel only, so a conv prologue computes it once per channel.
  return eb.op('add', eb.op('mul', eb.op('sub', x, m), eb.op('div', s, d)), b);
};

/**
 * cast: f2i (truncation, saturation, NaN to 0) from float to int32, i2f (rounded to nearest) from
 * int32 to float32, and the value itself between equal types (float16 runs as float32 here).
 */
export const lowerCast: ElementwiseLowering<'cast'> = (node, { eb, arg }) => {
  const x = arg(0, SAME);
  const fromInt = node.inputs[0]!.dtype === 'int32';
  const toInt = node.attrs.to === 'int32';
  if (fromInt === toInt) return x;
  return eb.op(toInt ? 'f2i' : 'i2f', x);
};

/** transpose: a copy whose leaf reads the input with permuted strides. */
export const lowerTranspose: ElementwiseLowering<'transpose'> = (node, { arg }) => {
  const perm = transposePerm(node.attrs, node.inputs[0]!.shape.length, { node: node.spec.name, op: 'transpose' });
  return arg(0, { k: 'perm', perm });
};

export const lowerGelu: ElementwiseLowering<'gelu'> = (node, { eb, arg }) => eb.op(node.attrs.approximate === 'tanh' ? 'gelu_tanh' : 'gelu', arg(0, SAME));

/** hardSigmoid: alpha * x + beta, then clip's NaN-keeping comparisons against 0 and 1. */
export const lowerHardSigmoid: ElementwiseLowering<'hardSigmoid'> = (node, { eb, arg }) => {
  const { alpha, beta } = node.attrs;
  const t = eb.op('add', eb.op('mul', arg(0, SAME), eb.c(alpha)), eb.c(beta));
  return eb.op('atmost', eb.op('atleast', t, eb.c(0)), eb.c(1));
};

/** elu: one expression op with alpha as its constant second operand. */
export const lowerElu: ElementwiseLowering<'elu'> = (node, { eb, arg }) => eb.op('elu', arg(0, SAME), eb.c(node.attrs.alpha));

/** clip: an infinite bound is no comparison at all. */
export const lowerClip: ElementwiseLowering<'clip'> = (node, { eb, arg }) => {
  const { min, max } = node.attrs;
  let y = arg(0, SAME);
  if (min !== -Infinity) y = eb.op('atleast', y, eb.c(min));
  if (max !== Infinity) y = eb.op('atmost', y, eb.c(max));
  return y;
};

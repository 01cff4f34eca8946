/**
 * Export of elementwise binaries (Add/Sub/Mul/Div with NumPy broadcasting) and activations.
 * gelu: opset >= 20 has Gelu; below it the exact erf form 0.5 * x * (1 + Erf(x / sqrt(2))) is
 * written out (what PyTorch exports), and the tanh form with Tanh and Mul.
 * clip: Clip with min and max as scalar inputs of the data's dtype (opset >= 11; export needs 13),
 * both always written, an infinite bound as +-Infinity: an omitted ONNX bound means the dtype's
 * lowest / largest finite value, so Clip(x, max 6) would turn -Infinity into -3.4e38.
 */
import type { ActivationKind, DType } from '@skipconn/core';
import type { ExportContext } from '../context';
import { permuteConst, TO_NCHW } from '../context';
import { ONNX_TYPE_OF } from '../../tensor';
import type { OpType, ValidatedNodeOf } from '@skipconn/core';
import type { AnyOpExporter, OpExporter } from './types';

/** True when an op over these data inputs should run on permuted (NCHW-stored NHWC) data. */
export function followPermuted(ctx: ExportContext, inputs: readonly string[], outputRank: number): boolean {
  return outputRank === 4 && inputs.some((v) => ctx.isPermuted(v));
}

/**
 * The ONNX name of an operand of a broadcasting op running in permuted order. A rank-4 value is
 * transposed (once); a lower-rank operand broadcasts against the logical NHWC axes, so it is
 * padded to rank 4 and permuted too (constants at export time, values with Reshape + Transpose).
 */
export function operand(ctx: ExportContext, value: string, permuted: boolean): string {
  if (!permuted) return ctx.get(value);
  const info = ctx.info(value);
  if (info.shape.length === 4) return ctx.get(value, true);
  if (info.shape.length === 0 || info.shape.every((d) => d === 1)) return ctx.get(value);
  const w = ctx.weight(value);
  if (w !== undefined) return ctx.constant(`${value}__nchw`, permuteConst(w, TO_NCHW));
  const padded = [...Array(4 - info.shape.length).fill(1), ...info.shape] as number[];
  const reshaped = ctx.temp(`${value}__rank4`);
  ctx.node('Reshape', [ctx.get(value), ctx.int64s('shape', padded)], [reshaped]);
  const out = ctx.temp(`${value}__rank4_nchw`);
  ctx.node('Transpose', [reshaped], [out], { perm: TO_NCHW });
  return out;
}

function binary(onnxOp: string): AnyOpExporter {
  return (node, ctx) => {
    const [a, b] = node.spec.inputs as [string, string];
    const out = node.spec.outputs[0]!;
    const permuted = followPermuted(ctx, [a, b], node.outputs[0]!.shape.length);
    const name = ctx.outputName(out, permuted);
    ctx.node(onnxOp, [operand(ctx, a, permuted), operand(ctx, b, permuted)], [name], {}, node.spec.name);
    ctx.define(out, name, permuted);
  };
}

/** Emits `output = act(input)`; for 'none' an Identity. Returns nothing; output is an ONNX name. */
export function emitActivation(ctx: ExportContext, kind: ActivationKind, input: string, output: string, dtype: DType, nodeName?: string): void {
  switch (kind) {
    case 'none':
      ctx.node('Identity', [input], [output], {}, nodeName);
      return;
    case 'relu':
      ctx.node('Relu', [input], [output], {}, nodeName);
      return;
    case 'sigmoid':
      ctx.node('Sigmoid', [input], [output], {}, nodeName);
      return;
    case 'tanh':
      ctx.node('Tanh', [input], [output], {}, nodeName);
      return;
    case 'silu': {
      const s = ctx.temp(`${output}__sigmoid`);
      ctx.node('Sigmoid', [input], [s]);
      ctx.node('Mul', [input, s], [output], {}, nodeName);
      return;
    }
    case 'gelu':
    case 'gelu_tanh': {
      const approximate = kind === 'gelu' ? 'none' : 'tanh';
      if (ctx.opset >= 20) {
        ctx.node('Gelu', [input], [output], { approximate }, nodeName);
        return;
      }
      // PyTorch's own export form, so importers (ours included) recognize it.
      const inner = ctx.temp(`${output}__inner`);
      if (kind === 'gelu') {
        const scaled = ctx.temp(`${output}__div`);
        ctx.node('Div', [input, ctx.scalar(Math.SQRT2, dtype)], [scaled]);
        ctx.node('Erf', [scaled], [inner]);
      } else {
        const sq = ctx.temp(`${output}__sq`);
        const cube = ctx.temp(`${output}__cube`);
        const term = ctx.temp(`${output}__term`);
        const sum = ctx.temp(`${output}__sum`);
        const arg = ctx.temp(`${output}__arg`);
        ctx.node('Mul', [input, input], [sq]);
        ctx.node('Mul', [sq, input], [cube]);
        ctx.node('Mul', [cube, ctx.scalar(0.044715, dtype)], [term]);
        ctx.node('Add', [input, term], [sum]);
        ctx.node('Mul', [sum, ctx.scalar(Math.sqrt(2 / Math.PI), dtype)], [arg]);
        ctx.node('Tanh', [arg], [inner]);
      }
      const onePlus = ctx.temp(`${output}__add`);
      const prod = ctx.temp(`${output}__mul`);
      ctx.node('Add', [inner, ctx.scalar(1, dtype)], [onePlus]);
      ctx.node('Mul', [input, onePlus], [prod]);
      ctx.node('Mul', [prod, ctx.scalar(0.5, dtype)], [output], {}, nodeName);
      return;
    }
  }
}

/**
 * An exporter for a one-input op that keeps its input's layout: `emit` writes the ONNX nodes from
 * the input's ONNX name to the output's, on data stored NCHW when the input is (elementwise ops
 * do not care which order the axes are stored in).
 */
function sameLayout<K extends OpType>(emit: (node: ValidatedNodeOf<K>, ctx: ExportContext, input: string, output: string) => void): OpExporter<K> {
  return (node, ctx) => {
    const x = node.spec.inputs[0]!;
    const out = node.spec.outputs[0]!;
    const permuted = ctx.isPermuted(x);
    const name = ctx.outputName(out, permuted);
    emit(node, ctx, ctx.get(x, permuted), name);
    ctx.define(out, name, permuted);
  };
}

function activation(kind: ActivationKind): AnyOpExporter {
  return sameLayout<OpType>((node, ctx, input, output) => emitActivation(ctx, kind, input, output, node.outputs[0]!.dtype, node.spec.name));
}

const gelu: OpExporter<'gelu'> = (node, ctx) => activation(node.attrs.approximate === 'tanh' ? 'gelu_tanh' : 'gelu')(node, ctx);

const softmax: OpExporter<'softmax'> = (node, ctx) => {
  const x = node.spec.inputs[0]!;
  const out = node.spec.outputs[0]!;
  const info = ctx.info(x);
  const rank = info.shape.length;
  const raw = node.attrs.axis;
  const logical = raw === 'channels' ? (info.layout === 'NCHW' ? 1 : rank - 1) : raw < 0 ? raw + rank : raw;
  const permuted = ctx.isPermuted(x);
  // In permuted (NCHW) order, physical axis j holds logical axis TO_NCHW[j].
  const axis = permuted ? TO_NCHW.indexOf(logical as 0 | 1 | 2 | 3) : logical;
  const name = ctx.outputName(out, permuted);
  ctx.node('Softmax', [ctx.get(x, permuted)], [name], { axis }, node.spec.name);
  ctx.define(out, name, permuted);
};

const clip = sameLayout<'clip'>((node, ctx, input, output) => {
  const { min, max } = node.attrs;
  const dtype = node.outputs[0]!.dtype;
  // Both bounds always: ONNX defines a missing bound as the dtype's lowest / largest finite value
  // (onnxruntime clips Infinity to 3.4e38), while the IR's missing bound is no bound at all.
  ctx.node('Clip', [input, ctx.scalar(min, dtype), ctx.scalar(max, dtype)], [output], {}, node.spec.name);
});

/** HardSigmoid with the node's slope and offset (float attributes, as ONNX defines them). */
const hardSigmoid = sameLayout<'hardSigmoid'>((node, ctx, input, output) => ctx.node('HardSigmoid', [input], [output], { alpha: { float: node.attrs.alpha }, beta: { float: node.attrs.beta } }, node.spec.name));

/** Elu with the node's alpha (ONNX's definition is the IR's). */
const elu = sameLayout<'elu'>((node, ctx, input, output) => ctx.node('Elu', [input], [output], { alpha: { float: node.attrs.alpha } }, node.spec.name));

/**
 * ONNX Cast to the node's dtype. In range it computes what the IR does (to int32 truncates toward
 * zero); for NaN and out-of-range floats ONNX leaves the result undefined (onnxruntime on x86-64
 * gives -2^31), where the IR gives 0 and saturation (ops/cast.ts).
 */
const cast = sameLayout<'cast'>((node, ctx, input, output) => ctx.node('Cast', [input], [output], { to: ONNX_TYPE_OF[node.attrs.to] }, node.spec.name));

/**
 * floorDiv on int32: ONNX's integer Div truncates toward zero (and traps on a zero divisor), so
 * both operands go to float64, where a / b is floored and cast back. Exact: an int32 quotient
 * that is not an integer lies at least 1/|b| from one, far more than float64 rounding moves it.
 */
const floorDiv: OpExporter<'floorDiv'> = (node, ctx) => {
  const [a, b] = node.spec.inputs as [string, string];
  const out = node.spec.outputs[0]!;
  const permuted = followPermuted(ctx, [a, b], node.outputs[0]!.shape.length);
  const name = ctx.outputName(out, permuted);
  const wide = [a, b].map((v) => {
    const t = ctx.temp(`${out}__${v === a ? 'a' : 'b'}_f64`);
    ctx.node('Cast', [operand(ctx, v, permuted)], [t], { to: ONNX_TYPE_OF.float64 });
    return t;
  });
  const quotient = ctx.temp(`${out}__quotient`);
  ctx.node('Div', wide, [quotient]);
  const floored = ctx.temp(`${out}__floor`);
  ctx.node('Floor', [quotient], [floored]);
  ctx.node('Cast', [floored], [name], { to: ONNX_TYPE_OF.int32 }, node.spec.name);
  ctx.define(out, name, permuted);
};

/**
 * equal: ONNX Equal (IEEE equality, so NaN equals nothing) gives a bool, cast to the operands'
 * dtype as the IR gives 1 and 0 there.
 */
const equal: OpExporter<'equal'> = (node, ctx) => {
  const [a, b] = node.spec.inputs as [string, string];
  const out = node.spec.outputs[0]!;
  const permuted = followPermuted(ctx, [a, b], node.outputs[0]!.shape.length);
  const name = ctx.outputName(out, permuted);
  const test = ctx.temp(`${out}__equal`);
  ctx.node('Equal', [operand(ctx, a, permuted), operand(ctx, b, permuted)], [test], {}, node.spec.name);
  ctx.node('Cast', [test], [name], { to: ONNX_TYPE_OF[node.outputs[0]!.dtype] });
  ctx.define(out, name, permuted);
};

/** Sqrt (ONNX's definition is the IR's: IEEE square root). */
const sqrt = sameLayout<'sqrt'>((node, ctx, input, output) => ctx.node('Sqrt', [input], [output], {}, node.spec.name));

export const ELEMENTWISE_EXPORTERS = {
  add: binary('Add'),
  sub: binary('Sub'),
  mul: binary('Mul'),
  div: binary('Div'),
  floorDiv,
  equal,
  relu: activation('relu'),
  sigmoid: activation('sigmoid'),
  tanh: activation('tanh'),
  silu: activation('silu'),
  gelu,
  softmax,
  clip,
  hardSigmoid,
  elu,
  sqrt,
  cast,
};

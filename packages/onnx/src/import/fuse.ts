/**
 * Patterns exporters write for ops the IR has as one node:
 *   gelu       Div(x, sqrt 2) -> Erf -> Add 1 -> Mul x -> Mul 0.5   (PyTorch's GELU before opset 20)
 *   layerNorm  ReduceMean / Sub / Pow 2 / ReduceMean / Add eps / Sqrt / Div [/ Mul gamma / Add beta]
 *              (PyTorch's LayerNorm before opset 17)
 *   silu       Mul(x, Sigmoid(x))
 * Each fuser is tried at one anchor node during the import walk; on a match it emits the IR node,
 * binds the pattern's final output and marks the later pattern nodes consumed. Earlier pattern
 * nodes that were already converted become dead and are removed at the end.
 */
import type { NodeProto } from '../proto/types';
import type { ImportContext } from './context';
import { numbers } from './fold';

type Fuser = (node: NodeProto, ctx: ImportContext) => boolean;

function producer(ctx: ImportContext, value: string | undefined): NodeProto | undefined {
  return value === undefined ? undefined : ctx.onnxProducers.get(value);
}

/** The scalar value of a constant input, if it is one. */
function scalarConst(ctx: ImportContext, value: string | undefined): number | undefined {
  const c = value === undefined ? undefined : ctx.const(value);
  if (c === undefined || c.data.length !== 1) return undefined;
  return numbers(c)[0];
}

const near = (v: number | undefined, want: number, tol = 1e-3): boolean => v !== undefined && Math.abs(v - want) <= tol;

/** The other input of a binary node, given one of them. */
function other(node: NodeProto, value: string): string | undefined {
  if (node.input[0] === value) return node.input[1];
  if (node.input[1] === value) return node.input[0];
  return undefined;
}

/**
 * The tail both GELU forms share: inner -> Add 1 -> Mul x -> Mul 0.5 (in any association).
 * Returns the pattern's last node and the tail nodes to mark consumed.
 */
function geluTail(ctx: ImportContext, inner: string, x: string): { last: NodeProto; consumed: NodeProto[] } | undefined {
  const add = ctx.soleConsumer(inner);
  if (add?.opType !== 'Add' || !near(scalarConst(ctx, other(add, inner)), 1, 1e-6)) return undefined;
  const m1 = ctx.soleConsumer(add.output[0]!);
  if (m1?.opType !== 'Mul') return undefined;
  const o = other(m1, add.output[0]!);
  const m2 = ctx.soleConsumer(m1.output[0]!);
  if (o === x) {
    if (m2?.opType === 'Mul' && near(scalarConst(ctx, other(m2, m1.output[0]!)), 0.5, 1e-6)) return { last: m2, consumed: [add, m1, m2] };
  } else if (near(scalarConst(ctx, o), 0.5, 1e-6)) {
    if (m2?.opType === 'Mul' && other(m2, m1.output[0]!) === x) return { last: m2, consumed: [add, m1, m2] };
  } else {
    const half = producer(ctx, o);
    if (half?.opType === 'Mul' && other(half, x) !== undefined && near(scalarConst(ctx, other(half, x)), 0.5, 1e-6)) return { last: m1, consumed: [add, m1] };
  }
  return undefined;
}

function emitGelu(ctx: ImportContext, x: string, tail: { last: NodeProto; consumed: NodeProto[] }, name: string, approximate: 'none' | 'tanh'): true {
  tail.consumed.forEach((n) => ctx.consumed.add(n));
  const out = tail.last.output[0]!;
  ctx.bind(out, ctx.emit('gelu', [ctx.values.get(x)!], approximate === 'tanh' ? { approximate } : {}, name, out));
  return true;
}

/** Exact GELU: Erf(x / sqrt 2) (or x * (1 / sqrt 2)), then the tail. */
const geluErf: Fuser = (erf, ctx) => {
  if (erf.opType !== 'Erf') return false;
  const scale = producer(ctx, erf.input[0]);
  if (scale === undefined || ctx.soleConsumer(erf.input[0]!) !== erf) return false;
  let x: string | undefined;
  if (scale.opType === 'Div' && near(scalarConst(ctx, scale.input[1]), Math.SQRT2)) x = scale.input[0];
  else if (scale.opType === 'Mul') {
    if (near(scalarConst(ctx, scale.input[1]), Math.SQRT1_2)) x = scale.input[0];
    else if (near(scalarConst(ctx, scale.input[0]), Math.SQRT1_2)) x = scale.input[1];
  }
  if (x === undefined || !ctx.values.has(x)) return false;
  const tail = geluTail(ctx, erf.output[0]!, x);
  return tail !== undefined && emitGelu(ctx, x, tail, erf.name || 'gelu', 'none');
};

/** True when `value` is x^3 written as Pow(x, 3) or Mul(Mul(x, x), x). */
function isCube(ctx: ImportContext, value: string | undefined, x: string): boolean {
  const p = producer(ctx, value);
  if (p?.opType === 'Pow') return p.input[0] === x && near(scalarConst(ctx, p.input[1]), 3, 0);
  if (p?.opType !== 'Mul') return false;
  const sq = producer(ctx, other(p, x));
  return sq?.opType === 'Mul' && sq.input[0] === x && sq.input[1] === x;
}

/** tanh GELU: Tanh(sqrt(2/pi) * (x + 0.044715 x^3)), then the tail. */
const geluTanh: Fuser = (tanhNode, ctx) => {
  if (tanhNode.opType !== 'Tanh') return false;
  const scale = producer(ctx, tanhNode.input[0]);
  if (scale?.opType !== 'Mul') return false;
  const k = Math.sqrt(2 / Math.PI);
  const sumName = near(scalarConst(ctx, scale.input[1]), k) ? scale.input[0] : near(scalarConst(ctx, scale.input[0]), k) ? scale.input[1] : undefined;
  const sum = producer(ctx, sumName);
  if (sum?.opType !== 'Add') return false;
  for (const [x, term] of [
    [sum.input[0]!, sum.input[1]!],
    [sum.input[1]!, sum.input[0]!],
  ] as const) {
    const t = producer(ctx, term);
    if (t?.opType !== 'Mul' || !ctx.values.has(x)) continue;
    const cube = near(scalarConst(ctx, t.input[1]), 0.044715, 1e-6) ? t.input[0] : near(scalarConst(ctx, t.input[0]), 0.044715, 1e-6) ? t.input[1] : undefined;
    if (!isCube(ctx, cube, x)) continue;
    const tail = geluTail(ctx, tanhNode.output[0]!, x);
    if (tail !== undefined) return emitGelu(ctx, x, tail, tanhNode.name || 'gelu', 'tanh');
  }
  return false;
};

/** Axes of a ReduceMean (attribute before opset 18, input after), normalized; undefined if unknown. */
function reduceAxes(ctx: ImportContext, node: NodeProto, rank: number): number[] | undefined {
  const attrs = ctx.attrs(node);
  if (attrs.int('keepdims', 1) !== 1) return undefined;
  const raw = ctx.opset >= 18 ? (node.input[1] ? ctx.const(node.input[1]) && numbers(ctx.const(node.input[1])!) : undefined) : attrs.ints('axes');
  if (raw === undefined) return undefined;
  return raw.map((a) => (a < 0 ? a + rank : a)).sort((a, b) => a - b);
}

const layerNormDecomposed: Fuser = (div, ctx) => {
  if (div.opType !== 'Div') return false;
  const [d, s] = [div.input[0]!, div.input[1]!];
  const sub = producer(ctx, d);
  const sqrt = producer(ctx, s);
  if (sub?.opType !== 'Sub' || sqrt?.opType !== 'Sqrt') return false;
  const x = sub.input[0]!;
  const mean = producer(ctx, sub.input[1]);
  const xInfo = ctx.infoOf(x);
  if (mean?.opType !== 'ReduceMean' || mean.input[0] !== x || xInfo === undefined || !ctx.values.has(x)) return false;
  const rank = xInfo.shape.length;
  const axes = reduceAxes(ctx, mean, rank);
  if (axes === undefined || axes.length === 0 || !axes.every((a, i) => a === rank - axes.length + i)) return false;
  const addEps = producer(ctx, sqrt.input[0]);
  if (addEps?.opType !== 'Add') return false;
  const variance = producer(ctx, addEps.input[0]) ?? producer(ctx, addEps.input[1]);
  const eps = scalarConst(ctx, other(addEps, variance?.output[0] ?? ''));
  if (variance?.opType !== 'ReduceMean' || eps === undefined) return false;
  const vAxes = reduceAxes(ctx, variance, rank);
  if (vAxes === undefined || vAxes.join() !== axes.join()) return false;
  const sq = producer(ctx, variance.input[0]);
  const isSquare = sq !== undefined && sq.input[0] === d && ((sq.opType === 'Pow' && near(scalarConst(ctx, sq.input[1]), 2, 0)) || (sq.opType === 'Mul' && sq.input[1] === d));
  if (!isSquare) return false;
  // Optional affine tail: Mul by gamma, Add beta (constants of the normalized shape).
  const normalized = xInfo.shape.slice(rank - axes.length);
  const inputs = [ctx.values.get(x)!];
  let last = div;
  const consumed: NodeProto[] = [];
  const mul = ctx.soleConsumer(div.output[0]!);
  const gamma = mul?.opType === 'Mul' ? ctx.const(other(mul, div.output[0]!) ?? '') : undefined;
  if (mul !== undefined && gamma !== undefined && gamma.shape.join() === normalized.join()) {
    inputs.push(ctx.operand(other(mul, div.output[0]!)!, mul));
    consumed.push(mul);
    last = mul;
    const add = ctx.soleConsumer(mul.output[0]!);
    const beta = add?.opType === 'Add' ? ctx.const(other(add, mul.output[0]!) ?? '') : undefined;
    if (add !== undefined && beta !== undefined && beta.shape.join() === normalized.join()) {
      inputs.push(ctx.operand(other(add, mul.output[0]!)!, add));
      consumed.push(add);
      last = add;
    }
  }
  consumed.forEach((n) => ctx.consumed.add(n));
  const out = last.output[0]!;
  ctx.bind(out, ctx.emit('layerNorm', inputs, { axis: rank - axes.length, epsilon: eps }, mean.name || 'layernorm', out));
  return true;
};

const silu: Fuser = (mul, ctx) => {
  if (mul.opType !== 'Mul') return false;
  for (const [a, b] of [
    [mul.input[0], mul.input[1]],
    [mul.input[1], mul.input[0]],
  ] as const) {
    const sig = producer(ctx, b);
    if (sig?.opType === 'Sigmoid' && sig.input[0] === a && a !== undefined && ctx.values.has(a)) {
      const out = mul.output[0]!;
      ctx.bind(out, ctx.emit('silu', [ctx.values.get(a)!], {}, mul, out));
      return true;
    }
  }
  return false;
};

/** Axes of an image layout: the two spatial axes and the two that a crop keeps whole. */
interface ImageAxes {
  readonly layout: 'NCHW' | 'NHWC';
  readonly spatial: readonly [number, number];
  readonly whole: readonly [number, number];
}

const NCHW_AXES: ImageAxes = { layout: 'NCHW', spatial: [2, 3], whole: [0, 1] };
const NHWC_AXES: ImageAxes = { layout: 'NHWC', spatial: [1, 2], whole: [0, 3] };

/**
 * The spatial window a Slice takes of an image value, when it takes all of N and C with step 1:
 * [top, left, height, width]; undefined otherwise.
 */
function spatialWindow(ctx: ImportContext, slice: NodeProto, shape: readonly number[], ax: ImageAxes): number[] | undefined {
  if (ctx.opset < 10) return undefined;
  const c = (i: number) => (slice.input[i] ? ctx.const(slice.input[i]!) : undefined);
  const [starts, ends, axesT, stepsT] = [c(1), c(2), c(3), c(4)];
  if (starts === undefined || ends === undefined || (slice.input[3] && !axesT) || (slice.input[4] && !stepsT)) return undefined;
  const st = numbers(starts);
  const en = numbers(ends);
  const axes = axesT ? numbers(axesT).map((a) => (a < 0 ? a + 4 : a)) : st.map((_, i) => i);
  if (stepsT && numbers(stepsT).some((v) => v !== 1)) return undefined;
  const begin = [0, 0, 0, 0];
  const end = [...shape];
  axes.forEach((a, i) => {
    const dim = shape[a]!;
    const clampIdx = (v: number) => Math.min(Math.max(v < 0 ? v + dim : v, 0), dim);
    begin[a] = clampIdx(st[i]!);
    end[a] = clampIdx(en[i]!);
  });
  if (ax.whole.some((a) => begin[a] !== 0 || end[a] !== shape[a])) return undefined;
  const [h, w] = ax.spatial;
  return [begin[h]!, begin[w]!, end[h]! - begin[h]!, end[w]! - begin[w]!];
}

/**
 * Follows a chain of Slices (PyTorch writes x[:, :, a:b, c:d] as one Slice per axis) back to a
 * converted NCHW value: [source IR value, its shape, window [top, left, height, width]].
 */
function cropSource(ctx: ImportContext, name: string, ax: ImageAxes): [string, readonly number[], number[]] | undefined {
  const chain: NodeProto[] = [];
  let cur = name;
  for (let p = producer(ctx, cur); p?.opType === 'Slice' && chain.length < 4; p = producer(ctx, cur)) {
    chain.unshift(p);
    cur = p.input[0]!;
  }
  const src = ctx.values.get(cur);
  if (chain.length === 0 || src === undefined) return undefined;
  const srcShape = ctx.info(src).shape;
  if (srcShape.length !== 4) return undefined;
  const [ha, wa] = ax.spatial;
  let shape = [...srcShape];
  const win: [number, number, number, number] = [0, 0, srcShape[ha]!, srcShape[wa]!];
  for (const slice of chain) {
    const w = spatialWindow(ctx, slice, shape, ax);
    if (w === undefined) return undefined;
    win[0] += w[0]!;
    win[1] += w[1]!;
    win[2] = w[2]!;
    win[3] = w[3]!;
    shape = shape.map((d, a) => (a === ha ? w[2]! : a === wa ? w[3]! : d));
  }
  return [src, srcShape, win];
}

/** Concat of center-cropped encoder maps and a decoder map (the original U-Net) -> concat crop 'center'. */
const centerCropConcat: Fuser = (concat, ctx) => {
  if (concat.opType !== 'Concat' || concat.input.length < 2) return false;
  const lastName = concat.input[concat.input.length - 1]!;
  const last = ctx.values.get(lastName);
  const lastInfo = last === undefined ? undefined : ctx.info(last);
  if (last === undefined || lastInfo === undefined || lastInfo.shape.length !== 4) return false;
  const axis = ctx.attrs(concat).int('axis', 0);
  const ax = axis === 1 || axis === -3 ? NCHW_AXES : axis === 3 || axis === -1 ? NHWC_AXES : undefined;
  if (ax === undefined) return false;
  const [ha, wa] = ax.spatial;
  const [h, w] = [lastInfo.shape[ha]!, lastInfo.shape[wa]!];
  let cropped = 0;
  const parts: string[] = [];
  for (const name of concat.input.slice(0, -1)) {
    const crop = cropSource(ctx, name, ax);
    if (crop !== undefined) {
      const [src, srcShape, win] = crop;
      if (win[2] === h && win[3] === w && win[0] === Math.floor((srcShape[ha]! - h) / 2) && win[1] === Math.floor((srcShape[wa]! - w) / 2)) {
        parts.push(src);
        cropped++;
        continue;
      }
      return false;
    }
    const v = ctx.values.get(name);
    if (v === undefined || ctx.info(v).shape.length !== 4 || ctx.info(v).shape[ha] !== h || ctx.info(v).shape[wa] !== w) return false;
    parts.push(v);
  }
  if (cropped === 0) return false;
  const inputs = [...parts, last].map((v) => ctx.withLayout(v, ax.layout, concat));
  const out = concat.output[0]!;
  ctx.bind(out, ctx.emit('concat', inputs, { crop: 'center' }, concat, out));
  return true;
};

export const FUSERS: readonly Fuser[] = [geluErf, geluTanh, layerNormDecomposed, silu, centerCropConcat];

/**
 * ONNX Gemm, MatMul, LayerNormalization, Softmax, elementwise ops and activations (Clip included) -> IR.
 */
import { CAST_SOURCES, CAST_TARGETS, PYTORCH_HARD_SIGMOID, clipAttrs, shapesEqual, sizeOf, type HostTensor } from '@skipconn/core';
import type { ImportContext } from '../context';
import { broadcastAll, fromNumbers, numbers, transposeTensor } from '../fold';
import { constInput, hasInput, input, onlyFirstOutput, output, shapeOf, unsupported, type Converter } from './util';

function scaled(t: HostTensor, k: number): HostTensor {
  return k === 1
    ? t
    : fromNumbers(
        t.dtype,
        t.shape,
        numbers(t).map((v) => v * k),
      );
}

const Gemm: Converter = (node, ctx) => {
  const a = ctx.attrs(node);
  const transA = a.int('transA', 0) === 1;
  const transB = a.int('transB', 0) === 1;
  const alpha = a.float('alpha', 1);
  const beta = a.float('beta', 1);
  const out = output(node);
  let x = input(ctx, node, 0);
  if (transA) x = ctx.emit('transpose', [x], { perm: [1, 0] }, `${node.name || 'gemm'}/transA`);
  const B = ctx.const(node.input[1] ?? '');
  const n = transB ? shapeOf(ctx, node, 1)[0]! : shapeOf(ctx, node, 1)[1]!;
  const C = hasInput(node, 2) ? ctx.const(node.input[2]!) : undefined;
  // A bias that broadcasts along the output features becomes dense's [N] bias (times beta).
  const biasVector =
    C !== undefined && (sizeOf(C.shape) === n || sizeOf(C.shape) === 1) && C.shape.length <= 2 && (C.shape.length < 2 || C.shape[0] === 1)
      ? fromNumbers(C.dtype, [n], sizeOf(C.shape) === n ? numbers(C).map((v) => v * beta) : new Array<number>(n).fill((numbers(C)[0] ?? 0) * beta))
      : undefined;
  let y: string;
  if (B !== undefined) {
    const w = scaled(transB ? B : transposeTensor(B, [1, 0]), alpha);
    const wName = ctx.addWeight(transB && alpha === 1 ? node.input[1]! : `${node.input[1]}__dense`, w);
    const inputs = [x, wName];
    if (biasVector !== undefined) inputs.push(ctx.addWeight(`${node.input[2]}__bias`, biasVector));
    const done = biasVector !== undefined || !hasInput(node, 2);
    y = ctx.emit('dense', inputs, {}, node, done ? out : undefined);
    if (done) {
      ctx.bind(out, y);
      return;
    }
  } else {
    let w = input(ctx, node, 1);
    if (transB) w = ctx.emit('transpose', [w], { perm: [1, 0] }, `${node.name || 'gemm'}/transB`);
    y = ctx.emit('matmul', [x, w], {}, node);
    if (alpha !== 1) y = ctx.emit('mul', [y, ctx.addWeight(`${node.name || 'gemm'}__alpha`, fromNumbers(ctx.info(y).dtype, [], [alpha]))], {}, `${node.name || 'gemm'}/alpha`);
  }
  if (!hasInput(node, 2)) {
    ctx.bind(out, y);
    return;
  }
  let c = input(ctx, node, 2);
  if (beta !== 1) {
    const cc = ctx.const(node.input[2]!);
    c =
      cc !== undefined
        ? ctx.addWeight(`${node.input[2]}__beta`, scaled(cc, beta))
        : ctx.emit('mul', [c, ctx.addWeight(`${node.name || 'gemm'}__beta`, fromNumbers(ctx.info(c).dtype, [], [beta]))], {}, `${node.name || 'gemm'}/beta`);
  }
  ctx.bind(out, ctx.emit('add', [y, c], {}, `${node.name || 'gemm'}/bias`, out));
};

const MatMul: Converter = (node, ctx) => {
  ctx.bind(output(node), ctx.emit('matmul', [input(ctx, node, 0), input(ctx, node, 1)], {}, node, output(node)));
};

/** A LayerNormalization parameter in the IR's exact normalized shape (ONNX lets it broadcast). */
function lnParam(ctx: ImportContext, node: Parameters<Converter>[0], i: number, normalized: readonly number[]): string {
  const shape = shapeOf(ctx, node, i);
  if (shapesEqual(shape, normalized)) return input(ctx, node, i);
  const c = ctx.const(node.input[i]!);
  if (c === undefined) unsupported(node, 'a broadcasting LayerNormalization parameter that is not constant', `shape [${normalized.join(',')}]`, `[${shape.join(',')}]`);
  const full = broadcastAll(node, [c.shape, normalized]);
  if (!shapesEqual(full, normalized)) unsupported(node, 'LayerNormalization parameter shape', `broadcastable to [${normalized.join(',')}]`, `[${shape.join(',')}]`);
  const vals = numbers(c);
  const n = sizeOf(normalized);
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) out[k] = vals.length === 1 ? vals[0]! : vals[k % vals.length]!;
  return ctx.addWeight(`${node.input[i]}__full`, fromNumbers(c.dtype, normalized, out));
}

const LayerNormalization: Converter = (node, ctx) => {
  const a = ctx.attrs(node);
  onlyFirstOutput(node, (o) => ctx.isUsed(o));
  const shape = shapeOf(ctx, node, 0);
  const axis = a.int('axis', -1);
  const normalized = shape.slice(axis < 0 ? axis + shape.length : axis);
  const inputs = [input(ctx, node, 0), lnParam(ctx, node, 1, normalized)];
  if (hasInput(node, 2)) inputs.push(lnParam(ctx, node, 2, normalized));
  ctx.bind(output(node), ctx.emit('layerNorm', inputs, { axis, epsilon: a.float('epsilon', 1e-5) }, node, output(node)));
};

const Softmax: Converter = (node, ctx) => {
  const a = ctx.attrs(node);
  const shape = shapeOf(ctx, node, 0);
  const rank = shape.length;
  const axis = a.int('axis', ctx.opset >= 13 ? -1 : 1);
  const norm = axis < 0 ? axis + rank : axis;
  if (ctx.opset >= 13 || norm === rank - 1) {
    ctx.bind(output(node), ctx.emit('softmax', [input(ctx, node, 0)], { axis }, node, output(node)));
    return;
  }
  // Before opset 13, Softmax normalizes the flattened [prod(dims < axis), prod(dims >= axis)].
  const base = node.name || 'softmax';
  const flat = ctx.emit('reshape', [input(ctx, node, 0)], { shape: [sizeOf(shape.slice(0, norm)), sizeOf(shape.slice(norm))] }, `${base}/flatten`);
  const s = ctx.emit('softmax', [flat], { axis: -1 }, node);
  ctx.bind(output(node), ctx.emit('reshape', [s], { shape: [...shape] }, `${base}/unflatten`, output(node)));
};

function binary(op: string): Converter {
  return (node, ctx) => {
    const [x, y] = [input(ctx, node, 0), input(ctx, node, 1)];
    const [dx, dy] = [ctx.info(x).dtype, ctx.info(y).dtype];
    if (dx !== dy) unsupported(node, 'operands of different dtypes', 'one dtype', `${dx} and ${dy}`);
    ctx.bind(output(node), ctx.emit(op, [x, y], {}, node, output(node)));
  };
}

function unary(op: string, attrs: (node: Parameters<Converter>[0], ctx: ImportContext) => Record<string, unknown> = () => ({})): Converter {
  return (node, ctx) => {
    ctx.bind(output(node), ctx.emit(op, [input(ctx, node, 0)], attrs(node, ctx), node, output(node)));
  };
}

/**
 * Clip with constant bounds: inputs min and max (opset >= 11; each optional, a scalar) or the
 * attributes of the same names (opset < 11). Clip(0) and Clip(0, +inf) stay a relu, as before;
 * any other bounds become clip (ReLU6 = Clip(0, 6) from PyTorch), infinite bounds left out.
 * A NaN bound or min > max is refused (ONNX gives max everywhere there; the IR refuses it).
 */
const Clip: Converter = (node, ctx) => {
  const a = ctx.attrs(node);
  const bound = (i: number, name: 'min' | 'max', fallback: number): number => {
    if (ctx.opset < 11) return a.float(name, fallback);
    if (!hasInput(node, i)) return fallback;
    const t = constInput(ctx, node, i, name);
    const v = numbers(t);
    if (v.length !== 1) unsupported(node, `Clip ${name} must be a scalar`, 'one value', `shape [${t.shape.join(',')}]`);
    return v[0]!;
  };
  const lo = bound(1, 'min', -Infinity);
  const hi = bound(2, 'max', Infinity);
  if (Number.isNaN(lo) || Number.isNaN(hi) || lo > hi) unsupported(node, 'Clip bounds', 'min <= max, neither NaN', `min ${lo}, max ${hi}`);
  const x = input(ctx, node, 0);
  if (lo === 0 && hi === Infinity) ctx.bind(output(node), ctx.emit('relu', [x], {}, node, output(node)));
  else ctx.bind(output(node), ctx.emit('clip', [x], clipAttrs(lo, hi), node, output(node)));
};

const Gelu: Converter = unary('gelu', (node, ctx) => ({ approximate: ctx.attrs(node).string('approximate', 'none') }));

/** Identity-like ops: the output is the input (Identity; Dropout at inference). */
const alias: Converter = (node, ctx) => {
  onlyFirstOutput(node, (o) => ctx.isUsed(o));
  if (node.opType === 'Dropout') {
    const training = ctx.opset >= 12 && hasInput(node, 2) ? numbers(constInput(ctx, node, 2, 'training_mode'))[0] : ctx.opset < 7 ? (ctx.attrs(node).int('is_test', 0) === 0 ? 1 : 0) : 0;
    // With ratio 0 training mode keeps every element (scale 1 / (1 - 0)): torchvision 0.14's Swin
    // calls F.dropout(attn, p=0.0) without training=, which exports exactly that.
    const ratio = ctx.opset >= 12 ? (hasInput(node, 1) ? numbers(constInput(ctx, node, 1, 'ratio'))[0] : 0.5) : ctx.attrs(node).float('ratio', 0.5);
    if (training && ratio !== 0) unsupported(node, 'training-mode Dropout (random)', 'training_mode false (inference), or ratio 0', `training_mode true, ratio ${ratio}`);
  }
  ctx.bind(output(node), input(ctx, node, 0));
};

/**
 * Cast of a run-time value: nothing to its own dtype; the IR's cast between the dtypes it has
 * (float32, float16 or int32 to float32 or int32), where ONNX computes the same values in range.
 */
const Cast: Converter = (node, ctx) => {
  const x = input(ctx, node, 0);
  const to = ctx.attrs(node).int('to', 0);
  const want = { 1: 'float32', 10: 'float16', 11: 'float64', 6: 'int32', 7: 'int64', 2: 'uint8', 9: 'bool' }[to];
  const from = ctx.info(x).dtype;
  // int32 widened to int64 only to be GatherND's indices: the same values, which the IR's
  // gatherNd reads as int32, so nothing is emitted (any other int64 reader is refused below).
  const onlyIndices = (ctx.consumers.get(output(node)) ?? []).every((n) => n.opType === 'GatherND' && n.input[0] !== output(node));
  if (want === from || (from === 'int32' && want === 'int64' && onlyIndices && !ctx.graphOutputs.has(output(node)))) {
    ctx.bind(output(node), x);
    return;
  }
  if (!(CAST_TARGETS as readonly string[]).includes(want ?? '') || !CAST_SOURCES.includes(from)) {
    unsupported(node, 'Cast of a run-time value to another dtype', `a cast to ${from} (a no-op), or from ${CAST_SOURCES.join('/')} to ${CAST_TARGETS.join('/')}`, `${from} to ${want ?? to}`);
  }
  ctx.bind(output(node), ctx.emit('cast', [x], { to: want }, node, output(node)));
};

/**
 * ArgMax (axis, keepdims, select_last_index 0) is argMax. ONNX's result is int64, which the IR
 * has no values of, so it imports only where every reader casts it to INT32 or FLOAT at once
 * (what exporters write before using an index): the IR's int32 argMax then feeds those casts.
 * ONNX leaves NaN open; the IR's rule (the first NaN wins) is one ONNX allows.
 */
/**
 * Refuses an ONNX output of a dtype the IR lacks (ArgMax's and TopK's int64 indices, Equal's bool)
 * unless every reader casts it at once to INT32, FLOAT or FLOAT16 (what exporters write before using an
 * index or a mask): the IR value, int32 indices or equal's 1/0, then feeds those casts. An output
 * nothing reads (TopK's indices when only the values are used) needs no cast.
 */
function requireCastAway(node: Parameters<Converter>[0], ctx: ImportContext, name: string, what: string, unread: 'allowed' | 'refused'): void {
  const readers = ctx.consumers.get(name) ?? [];
  if (readers.length === 0 && unread === 'allowed' && !ctx.graphOutputs.has(name)) return;
  const castAway = readers.length > 0 && !ctx.graphOutputs.has(name) && readers.every((n) => n.opType === 'Cast' && [1, 6, 10].includes(ctx.attrs(n).int('to', 0)));
  if (!castAway)
    unsupported(
      node,
      what,
      'every reader a Cast to INT32, FLOAT or FLOAT16 (the IR holds indices as int32 and masks as 1/0)',
      `readers ${readers.map((n) => n.opType).join(', ') || 'none'}${ctx.graphOutputs.has(name) ? ' and the graph output' : ''}`,
    );
}

const ArgMax: Converter = (node, ctx) => {
  const a = ctx.attrs(node);
  if (a.int('select_last_index', 0) !== 0) unsupported(node, 'select_last_index 1 (the last maximum)', "select_last_index 0 (the first maximum, the IR's rule)", '1');
  requireCastAway(node, ctx, output(node), 'an int64 ArgMax result read as int64', 'refused');
  ctx.bind(output(node), ctx.emit('argMax', [input(ctx, node, 0)], { axis: a.int('axis', 0), keepDims: a.int('keepdims', 1) === 1 }, node, output(node)));
};

/**
 * GatherND (batch_dims 0) is gatherNd. Its int64 indices are either an int32 value widened by a
 * Cast (read as the int32 value, see Cast) or a constant, stored as int32 with ONNX's negative
 * indices counted from the end (the IR leaves negative indices undefined).
 */
const GatherND: Converter = (node, ctx) => {
  if (ctx.attrs(node).int('batch_dims', 0) !== 0) unsupported(node, 'batch_dims other than 0', 'batch_dims 0', String(ctx.attrs(node).int('batch_dims', 0)));
  const x = input(ctx, node, 0);
  const c = ctx.const(node.input[1] ?? '');
  let indices: string;
  if (c !== undefined) {
    const shape = ctx.info(x).shape;
    const k = c.shape[c.shape.length - 1] ?? 0;
    const values = numbers(c).map((v, i) => {
      const d = shape[i % Math.max(k, 1)] ?? 0;
      const at = v < 0 ? v + d : v;
      if (!(at >= 0 && at < d)) unsupported(node, `index ${v} outside an axis of ${d}`, `indices in [${-d}, ${d - 1}]`, String(v));
      return at;
    });
    indices = ctx.addWeight(`${node.input[1]}__int32`, fromNumbers('int32', c.shape, values));
  } else {
    indices = input(ctx, node, 1);
    if (ctx.info(indices).dtype !== 'int32') unsupported(node, `run-time indices of dtype ${ctx.info(indices).dtype}`, 'int32 indices widened by a Cast to INT64, or constant indices', ctx.info(indices).dtype);
  }
  ctx.bind(output(node), ctx.emit('gatherNd', [x, indices], {}, node, output(node)));
};

/**
 * Equal is equal: its bool becomes the IR's 1/0 in the operands' dtype, so it imports where
 * every reader casts it to INT32 or FLOAT (the exporter's Equal + Cast, torch.onnx's
 * (a == b).float()); the Cast then converts or vanishes as for any value.
 */
const Equal: Converter = (node, ctx) => {
  requireCastAway(node, ctx, output(node), 'a bool Equal result read as bool', 'refused');
  binary('equal')(node, ctx);
};

/**
 * TopK (largest 1, sorted 1, on the last axis, K a constant) is topK, as torch.topk exports.
 * ONNX puts the lower index first among equal values, as the IR does; its int64 indices import
 * where every reader casts them to INT32 or FLOAT, or where nothing reads them.
 */
const TopK: Converter = (node, ctx) => {
  const a = ctx.attrs(node);
  const x = input(ctx, node, 0);
  const rank = ctx.info(x).shape.length;
  const axis = a.int('axis', -1);
  if (axis !== -1 && axis !== rank - 1) unsupported(node, `axis ${axis}`, `the last axis (-1 or ${rank - 1})`, String(axis));
  if (a.int('largest', 1) !== 1) unsupported(node, 'largest 0 (the smallest elements)', 'largest 1', '0');
  if (a.int('sorted', 1) !== 1) unsupported(node, 'sorted 0', 'sorted 1', '0');
  const k = numbers(constInput(ctx, node, 1, 'K'));
  if (k.length !== 1) unsupported(node, `K of ${k.length} values`, 'one value', String(k.length));
  const [values, indices] = [node.output[0] ?? '', node.output[1] ?? ''];
  requireCastAway(node, ctx, indices, 'int64 TopK indices read as int64', 'allowed');
  const [v, i] = ctx.emitOutputs('topK', [x], { k: k[0]! }, node, [values, indices]);
  ctx.bind(values, v!);
  if (indices !== '') ctx.bind(indices, i!);
};

/** HardSigmoid(alpha, beta) is hardSigmoid with the same attributes (ONNX's defaults are the IR's). */
const HardSigmoid = unary('hardSigmoid', (node, ctx) => {
  const a = ctx.attrs(node);
  return { alpha: a.float('alpha', 0.2), beta: a.float('beta', 0.5) };
});

/** Elu(alpha) is elu with the same alpha (default 1 in both). */
const Elu = unary('elu', (node, ctx) => ({ alpha: ctx.attrs(node).float('alpha', 1) }));

/** HardSwish (opset 14) is x * HardSigmoid(x; 1/6, 1/2) by ONNX's own definition: two IR nodes. */
const HardSwish: Converter = (node, ctx) => {
  const x = input(ctx, node, 0);
  const gate = ctx.emit('hardSigmoid', [x], { ...PYTORCH_HARD_SIGMOID }, `${node.name || 'hardswish'}/gate`);
  ctx.bind(output(node), ctx.emit('mul', [x, gate], {}, node, output(node)));
};

export const LINEAR_CONVERTERS: Record<string, Converter> = {
  Gemm,
  MatMul,
  LayerNormalization,
  Softmax,
  Add: binary('add'),
  Sub: binary('sub'),
  Mul: binary('mul'),
  Div: binary('div'),
  Relu: unary('relu'),
  Sigmoid: unary('sigmoid'),
  Sqrt: unary('sqrt'),
  Tanh: unary('tanh'),
  Gelu,
  Clip,
  HardSigmoid,
  HardSwish,
  Elu,
  Identity: alias,
  Dropout: alias,
  Cast,
  ArgMax,
  GatherND,
  Equal,
  TopK,
};

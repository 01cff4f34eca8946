/**
 * A small constant evaluator for ONNX nodes whose inputs are all known: the shape subgraphs
 * PyTorch exports (Shape -> Gather -> Unsqueeze -> Concat -> Reshape), Constant nodes, and weight
 * preprocessing (Transpose, Mul, Cast of initializers). Values are computed in float64 (or
 * exactly, for integers up to 2^53) and stored in the node's output dtype.
 * Shape and Size are not here: they need the static shape of a non-constant input, which the
 * importer knows; see importer.ts.
 */
import { GraphError, broadcastIndex, erf, sizeOf, stridesOf, tensor, toFloat64, transposeInto, type DType, type HostTensor } from '@skipconn/core';
import type { NodeProto } from '../proto/types';
import { dtypeOfOnnx } from '../tensor';
import { nodeRef, type NodeAttrs } from './attrs';

/** Numbers of a constant (int64 through Number; INT64_MAX/MIN stay large enough to clamp with). */
export function numbers(t: HostTensor): number[] {
  return Array.from(toFloat64(t));
}

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/** A constant of `dtype` from float64 numbers, with ONNX's integer conversion (truncate toward zero). */
export function fromNumbers(dtype: DType, shape: readonly number[], values: ArrayLike<number>): HostTensor {
  const n = values.length;
  const out = tensor(dtype, shape);
  const d = out.data;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    switch (dtype) {
      case 'int64': {
        if (Number.isNaN(v)) (d as BigInt64Array)[i] = 0n;
        else if (v >= 9.2233720368547e18) (d as BigInt64Array)[i] = INT64_MAX;
        else if (v <= -9.2233720368547e18) (d as BigInt64Array)[i] = INT64_MIN;
        else (d as BigInt64Array)[i] = BigInt(Math.trunc(v));
        break;
      }
      case 'int32':
        (d as Int32Array)[i] = Math.trunc(v);
        break;
      case 'uint8':
        (d as Uint8Array)[i] = Math.trunc(v);
        break;
      case 'bool':
        (d as Uint8Array)[i] = v !== 0 ? 1 : 0;
        break;
      case 'float16': {
        const f = tensor('float16', [1], [v]);
        (d as Uint16Array)[i] = (f.data as Uint16Array)[0]!;
        break;
      }
      default:
        (d as Float64Array)[i] = v;
    }
  }
  return out;
}

function fail(node: NodeProto, problem: string, expected: string, received: string): never {
  throw new GraphError('GRAPH_INVALID', nodeRef(node), problem, { expected, received });
}

function normAxis(node: NodeProto, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isSafeInteger(a) || a < 0 || a >= rank) fail(node, 'axis out of range', `an axis in [${-rank}, ${rank - 1}]`, String(axis));
  return a;
}

/** NumPy broadcast of several shapes. */
export function broadcastAll(node: NodeProto, shapes: readonly (readonly number[])[]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    let d = 1;
    for (const s of shapes) {
      const v = s[s.length - rank + i] ?? 1;
      if (v !== 1) {
        if (d !== 1 && d !== v) fail(node, 'shapes do not broadcast', 'equal dims or 1 at each axis', shapes.map((x) => `[${x.join(',')}]`).join(', '));
        d = v;
      }
    }
    out.push(d);
  }
  return out;
}

function elementwise(node: NodeProto, inputs: readonly HostTensor[], dtype: DType, f: (...v: number[]) => number): HostTensor {
  const outShape = broadcastAll(
    node,
    inputs.map((t) => t.shape),
  );
  const vals = inputs.map(numbers);
  const idx = inputs.map((t) => broadcastIndex(t.shape, outShape));
  const n = sizeOf(outShape);
  const out = new Float64Array(n);
  const args = new Array<number>(inputs.length);
  for (let o = 0; o < n; o++) {
    for (let k = 0; k < inputs.length; k++) args[k] = vals[k]![idx[k]![o]!]!;
    out[o] = f(...args);
  }
  return fromNumbers(dtype, outShape, out);
}

const isInt = (t: HostTensor): boolean => t.dtype === 'int64' || t.dtype === 'int32' || t.dtype === 'uint8';

function intDiv(a: number, b: number): number {
  return b === 0 ? 0 : Math.trunc(a / b);
}

/** Gathers along `axis` from data by a list of (normalized) indices per position. */
function takeAlong(data: HostTensor, axis: number, indices: readonly number[], indicesShape: readonly number[]): HostTensor {
  const vals = numbers(data);
  const shape = data.shape;
  const outer = sizeOf(shape.slice(0, axis));
  const inner = sizeOf(shape.slice(axis + 1));
  const dim = shape[axis]!;
  const out: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (const i of indices) {
      const base = (o * dim + i) * inner;
      for (let k = 0; k < inner; k++) out.push(vals[base + k]!);
    }
  }
  return fromNumbers(data.dtype, [...shape.slice(0, axis), ...indicesShape, ...shape.slice(axis + 1)], out);
}

function sliceTensor(node: NodeProto, data: HostTensor, starts: number[], ends: number[], axes: number[] | undefined, steps: number[] | undefined): HostTensor {
  const rank = data.shape.length;
  const ax = (axes ?? starts.map((_, i) => i)).map((a) => normAxis(node, a, rank));
  const st = steps ?? starts.map(() => 1);
  if (starts.length !== ends.length || starts.length !== ax.length || st.length !== ax.length) {
    fail(node, 'starts, ends, axes and steps differ in length', 'equal lengths', `${starts.length}, ${ends.length}, ${ax.length}, ${st.length}`);
  }
  const begin = data.shape.map(() => 0);
  const step = data.shape.map(() => 1);
  const count = [...data.shape];
  ax.forEach((a, i) => {
    const dim = data.shape[a]!;
    const s = st[i]!;
    if (s === 0) fail(node, 'slice step is 0', 'a non-zero step', '0');
    let b = starts[i]!;
    let e = ends[i]!;
    if (b < 0) b += dim;
    if (e < 0) e += dim;
    if (s > 0) {
      b = Math.min(Math.max(b, 0), dim);
      e = Math.min(Math.max(e, 0), dim);
      count[a] = Math.max(0, Math.ceil((e - b) / s));
    } else {
      b = Math.min(Math.max(b, -1), dim - 1);
      e = Math.min(Math.max(e, -1), dim - 1);
      count[a] = Math.max(0, Math.ceil((e - b) / s));
    }
    begin[a] = b;
    step[a] = s;
  });
  const vals = numbers(data);
  const strides = stridesOf(data.shape);
  const n = sizeOf(count);
  const out = new Float64Array(n);
  const pos = new Array<number>(rank).fill(0);
  for (let o = 0; o < n; o++) {
    let off = 0;
    for (let a = 0; a < rank; a++) off += (begin[a]! + pos[a]! * step[a]!) * strides[a]!;
    out[o] = vals[off]!;
    for (let a = rank - 1; a >= 0; a--) {
      if (++pos[a]! < count[a]!) break;
      pos[a] = 0;
    }
  }
  return fromNumbers(data.dtype, count, out);
}

export function transposeTensor(t: HostTensor, perm: readonly number[]): HostTensor {
  const outShape = perm.map((a) => t.shape[a]!);
  // Moves the stored elements themselves: exact bits in every dtype, and no float64 copy of a weight.
  const out = tensor(t.dtype, outShape);
  transposeInto(t.data as ArrayLike<number>, t.shape, perm, out.data as unknown as number[]);
  return out;
}

/** ONNX Reshape's target shape: 0 copies the input dim (unless allowzero), one -1 is inferred. */
export function resolveReshape(node: NodeProto, input: readonly number[], target: readonly number[], allowzero: boolean): number[] {
  const shape = target.map((d, i) => (d === 0 && !allowzero ? (input[i] ?? fail(node, 'shape 0 copies a dim the input does not have', `at most ${input.length} dims`, `index ${i}`)) : d));
  const total = sizeOf(input);
  const minus = shape.filter((d) => d === -1).length;
  if (minus > 1 || shape.some((d) => d < -1 || !Number.isSafeInteger(d))) fail(node, 'invalid reshape target', 'non-negative dims and at most one -1', `[${target.join(',')}]`);
  if (minus === 1) {
    const known = sizeOf(shape.filter((d) => d !== -1));
    if (known === 0 || total % known !== 0) fail(node, 'cannot infer -1 in the reshape target', `a shape with ${total} elements`, `[${target.join(',')}] for input [${input.join(',')}]`);
    return shape.map((d) => (d === -1 ? total / known : d));
  }
  if (sizeOf(shape) !== total) fail(node, 'reshape changes the element count', `a shape with ${total} elements (input [${input.join(',')}])`, `[${shape.join(',')}]`);
  return shape;
}

/** Axes of Squeeze/Unsqueeze: an input from opset 13, an attribute before. */
function axesOf(inputs: readonly (HostTensor | undefined)[], attrs: NodeAttrs, opset: number): number[] | undefined {
  if (opset >= 13) return inputs[1] === undefined ? undefined : numbers(inputs[1]);
  return attrs.ints('axes');
}

export function unsqueezeShape(node: NodeProto, shape: readonly number[], axes: readonly number[]): number[] {
  const rank = shape.length + axes.length;
  const norm = axes.map((a) => normAxis(node, a, rank));
  const out: number[] = [];
  let k = 0;
  for (let i = 0; i < rank; i++) out.push(norm.includes(i) ? 1 : shape[k++]!);
  return out;
}

export function squeezeShape(node: NodeProto, shape: readonly number[], axes: readonly number[] | undefined): number[] {
  if (axes === undefined) return shape.filter((d) => d !== 1);
  const norm = axes.map((a) => normAxis(node, a, shape.length));
  norm.forEach((a) => {
    if (shape[a] !== 1) fail(node, 'squeezed axis is not 1', `size 1 on axis ${a}`, `[${shape.join(',')}]`);
  });
  return shape.filter((_, i) => !norm.includes(i));
}

const SCATTER_REDUCE: Record<string, (old: number, update: number) => number> = {
  none: (_old, u) => u,
  add: (a, u) => a + u,
  mul: (a, u) => a * u,
  max: Math.max,
  min: Math.min,
};

/**
 * ScatterND over constants: a copy of data with the slices that `indices` name replaced by (or,
 * with reduction, combined with) `updates`. PyTorch writes it for in-place slice assignment on a
 * tensor of known values, such as the attention mask Swin's shifted windows build from zeros.
 */
function scatterND(node: NodeProto, data: HostTensor, indices: HostTensor, updates: HostTensor, reduction: string): HostTensor {
  const combine = SCATTER_REDUCE[reduction] ?? fail(node, `ScatterND reduction '${reduction}'`, Object.keys(SCATTER_REDUCE).join(', '), reduction);
  const rank = data.shape.length;
  const k = indices.shape[indices.shape.length - 1];
  if (indices.shape.length === 0 || k === undefined || k < 1 || k > rank) {
    fail(node, 'ScatterND indices have a bad last dim', `indices of rank >= 1 whose last dim is in [1, ${rank}] (data rank)`, `indices [${indices.shape.join(',')}]`);
  }
  const wantUpdates = [...indices.shape.slice(0, -1), ...data.shape.slice(k)];
  if (updates.shape.join() !== wantUpdates.join()) {
    fail(node, 'ScatterND updates have the wrong shape', `[${wantUpdates.join(',')}] (indices.shape[:-1] + data.shape[${k}:])`, `[${updates.shape.join(',')}]`);
  }
  const out = numbers(data);
  const idx = numbers(indices);
  const upd = numbers(updates);
  const strides = stridesOf(data.shape);
  const sliceSize = sizeOf(data.shape.slice(k));
  const tuples = sizeOf(indices.shape.slice(0, -1));
  for (let t = 0; t < tuples; t++) {
    let offset = 0;
    for (let a = 0; a < k; a++) {
      const dim = data.shape[a]!;
      const raw = idx[t * k + a]!;
      const i = raw < 0 ? raw + dim : raw;
      if (!Number.isSafeInteger(i) || i < 0 || i >= dim) fail(node, 'ScatterND index out of range', `indices on axis ${a} in [${-dim}, ${dim - 1}]`, String(raw));
      offset += i * strides[a]!;
    }
    for (let j = 0; j < sliceSize; j++) out[offset + j] = combine(out[offset + j]!, upd[t * sliceSize + j]!);
  }
  return fromNumbers(data.dtype, data.shape, out);
}

/** Ops the evaluator folds when every input is constant. */
export const FOLDABLE = new Set([
  'Identity',
  'Cast',
  'CastLike',
  'Gather',
  'Slice',
  'Concat',
  'Unsqueeze',
  'Squeeze',
  'Reshape',
  'Flatten',
  'Transpose',
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Pow',
  'Max',
  'Min',
  'Neg',
  'Abs',
  'Sqrt',
  'Reciprocal',
  'Floor',
  'Ceil',
  'Exp',
  'Log',
  'Equal',
  'Less',
  'Greater',
  'LessOrEqual',
  'GreaterOrEqual',
  'Not',
  'And',
  'Or',
  'Where',
  'ConstantOfShape',
  'Range',
  'Expand',
  'Relu',
  'Sigmoid',
  'Tanh',
  'Erf',
  'Dropout',
  'Sign',
  'Mod',
  'ScatterND',
]);

const CMP: Record<string, (a: number, b: number) => number> = {
  Equal: (a, b) => +(a === b),
  Less: (a, b) => +(a < b),
  Greater: (a, b) => +(a > b),
  LessOrEqual: (a, b) => +(a <= b),
  GreaterOrEqual: (a, b) => +(a >= b),
  And: (a, b) => +(a !== 0 && b !== 0),
  Or: (a, b) => +(a !== 0 || b !== 0),
};

/**
 * Evaluates one node over constant inputs ('' inputs are undefined). Returns undefined when the
 * op is not foldable (the importer then converts it or reports it).
 */
export function foldNode(node: NodeProto, inputs: readonly (HostTensor | undefined)[], attrs: NodeAttrs, opset: number): HostTensor[] | undefined {
  const x = inputs[0];
  const op = node.opType;
  const need = (i: number): HostTensor => inputs[i] ?? fail(node, `input ${i} is missing`, 'a constant', 'nothing');
  switch (op) {
    case 'Identity':
      return [need(0)];
    case 'Dropout':
      return inputs[2] !== undefined && numbers(inputs[2])[0] ? undefined : [need(0)];
    case 'Cast': {
      const to = dtypeOfOnnx(attrs.int('to', 0));
      if (to === undefined) return undefined;
      return [fromNumbers(to, need(0).shape, numbers(need(0)))];
    }
    case 'CastLike':
      return [fromNumbers(need(1).dtype, need(0).shape, numbers(need(0)))];
    case 'Gather': {
      const data = need(0);
      const ind = need(1);
      const axis = normAxis(node, attrs.int('axis', 0), data.shape.length);
      const dim = data.shape[axis]!;
      const idx = numbers(ind).map((i) => {
        const j = i < 0 ? i + dim : i;
        if (j < 0 || j >= dim) fail(node, 'Gather index out of range', `indices in [${-dim}, ${dim - 1}]`, String(i));
        return j;
      });
      return [takeAlong(data, axis, idx, ind.shape)];
    }
    case 'Slice': {
      if (opset < 10) return [sliceTensor(node, need(0), attrs.ints('starts') ?? [], attrs.ints('ends') ?? [], attrs.ints('axes'), undefined)];
      return [sliceTensor(node, need(0), numbers(need(1)), numbers(need(2)), inputs[3] && numbers(inputs[3]), inputs[4] && numbers(inputs[4]))];
    }
    case 'Concat': {
      const parts = inputs.filter((t): t is HostTensor => t !== undefined);
      const first = parts[0] ?? fail(node, 'Concat has no inputs', 'at least one', '0');
      const axis = normAxis(node, attrs.int('axis', 0), first.shape.length);
      const outer = sizeOf(first.shape.slice(0, axis));
      const vals = parts.map(numbers);
      const out: number[] = [];
      for (let o = 0; o < outer; o++) {
        parts.forEach((p, k) => {
          if (p.shape.length !== first.shape.length) fail(node, 'Concat inputs differ in rank', `rank ${first.shape.length}`, `[${p.shape.join(',')}]`);
          const chunk = sizeOf(p.shape.slice(axis));
          for (let i = 0; i < chunk; i++) out.push(vals[k]![o * chunk + i]!);
        });
      }
      const shape = [...first.shape];
      shape[axis] = parts.reduce((s, p) => s + p.shape[axis]!, 0);
      return [fromNumbers(first.dtype, shape, out)];
    }
    case 'Unsqueeze': {
      const axes = axesOf(inputs, attrs, opset) ?? fail(node, 'Unsqueeze needs axes', 'axes', 'nothing');
      const t = need(0);
      return [{ ...t, shape: unsqueezeShape(node, t.shape, axes) }];
    }
    case 'Squeeze': {
      const t = need(0);
      return [{ ...t, shape: squeezeShape(node, t.shape, axesOf(inputs, attrs, opset)) }];
    }
    case 'Reshape': {
      const t = need(0);
      return [{ ...t, shape: resolveReshape(node, t.shape, numbers(need(1)), attrs.int('allowzero', 0) === 1) }];
    }
    case 'Flatten': {
      const t = need(0);
      const axis = attrs.int('axis', 1);
      const a = axis < 0 ? axis + t.shape.length : axis;
      return [{ ...t, shape: [sizeOf(t.shape.slice(0, a)), sizeOf(t.shape.slice(a))] }];
    }
    case 'Transpose': {
      const t = need(0);
      const perm = attrs.ints('perm') ?? t.shape.map((_, i) => t.shape.length - 1 - i);
      return [transposeTensor(t, perm)];
    }
    case 'Add':
      return [elementwise(node, [need(0), need(1)], need(0).dtype, (a, b) => a + b)];
    case 'Sub':
      return [elementwise(node, [need(0), need(1)], need(0).dtype, (a, b) => a - b)];
    case 'Mul':
      return [elementwise(node, [need(0), need(1)], need(0).dtype, (a, b) => a * b)];
    case 'Div':
      return [elementwise(node, [need(0), need(1)], need(0).dtype, isInt(need(0)) ? intDiv : (a, b) => a / b)];
    case 'Mod':
      return [elementwise(node, [need(0), need(1)], need(0).dtype, (a, b) => (b === 0 ? 0 : a - Math.floor(a / b) * b))];
    case 'Pow':
      return [elementwise(node, [need(0), need(1)], need(0).dtype, (a, b) => a ** b)];
    case 'Max':
      return [
        elementwise(
          node,
          inputs.filter((t): t is HostTensor => !!t),
          need(0).dtype,
          Math.max,
        ),
      ];
    case 'Min':
      return [
        elementwise(
          node,
          inputs.filter((t): t is HostTensor => !!t),
          need(0).dtype,
          Math.min,
        ),
      ];
    case 'Neg':
      return [elementwise(node, [need(0)], need(0).dtype, (a) => -a)];
    case 'Abs':
      return [elementwise(node, [need(0)], need(0).dtype, Math.abs)];
    case 'Sign':
      return [elementwise(node, [need(0)], need(0).dtype, Math.sign)];
    case 'Sqrt':
      return [elementwise(node, [need(0)], need(0).dtype, Math.sqrt)];
    case 'Reciprocal':
      return [elementwise(node, [need(0)], need(0).dtype, (a) => 1 / a)];
    case 'Floor':
      return [elementwise(node, [need(0)], need(0).dtype, Math.floor)];
    case 'Ceil':
      return [elementwise(node, [need(0)], need(0).dtype, Math.ceil)];
    case 'Exp':
      return [elementwise(node, [need(0)], need(0).dtype, Math.exp)];
    case 'Log':
      return [elementwise(node, [need(0)], need(0).dtype, Math.log)];
    case 'Relu':
      return [elementwise(node, [need(0)], need(0).dtype, (a) => (a > 0 ? a : 0))];
    case 'Sigmoid':
      return [elementwise(node, [need(0)], need(0).dtype, (a) => 1 / (1 + Math.exp(-a)))];
    case 'Tanh':
      return [elementwise(node, [need(0)], need(0).dtype, Math.tanh)];
    case 'Erf':
      return [elementwise(node, [need(0)], need(0).dtype, erf)];
    case 'Not':
      return [elementwise(node, [need(0)], 'bool', (a) => +(a === 0))];
    case 'Equal':
    case 'Less':
    case 'Greater':
    case 'LessOrEqual':
    case 'GreaterOrEqual':
    case 'And':
    case 'Or':
      return [elementwise(node, [need(0), need(1)], 'bool', CMP[op]!)];
    case 'Where':
      return [elementwise(node, [need(0), need(1), need(2)], need(1).dtype, (c, a, b) => (c !== 0 ? a : b))];
    case 'ConstantOfShape': {
      const shape = x === undefined ? [] : numbers(x);
      const value = attrs.tensor('value') ?? tensor('float32', [1], [0]);
      const n = sizeOf(shape);
      if (shape.some((d) => !Number.isSafeInteger(d) || d < 0) || n > 1 << 24) fail(node, 'invalid ConstantOfShape shape', 'non-negative dims, at most 2^24 elements', `[${shape.join(',')}]`);
      return [fromNumbers(value.dtype, shape, new Float64Array(n).fill(numbers(value)[0] ?? 0))];
    }
    case 'Range': {
      const [start, limit, delta] = [numbers(need(0))[0]!, numbers(need(1))[0]!, numbers(need(2))[0]!];
      const n = Math.max(Math.ceil((limit - start) / delta), 0);
      if (!Number.isFinite(n) || n > 1 << 24) fail(node, 'Range is too long', 'at most 2^24 elements', String(n));
      return [
        fromNumbers(
          need(0).dtype,
          [n],
          Array.from({ length: n }, (_, i) => start + i * delta),
        ),
      ];
    }
    case 'ScatterND':
      return [scatterND(node, need(0), need(1), need(2), attrs.string('reduction', 'none'))];
    case 'Expand': {
      const t = need(0);
      const shape = broadcastAll(node, [t.shape, numbers(need(1))]);
      if (sizeOf(shape) > 1 << 24) fail(node, 'Expand is too large', 'at most 2^24 elements', `[${shape.join(',')}]`);
      return [elementwise(node, [t, fromNumbers(t.dtype, shape, new Float64Array(sizeOf(shape)))], t.dtype, (a) => a)];
    }
    default:
      return undefined;
  }
}

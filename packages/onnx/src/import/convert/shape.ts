/**
 * ONNX shape ops on run-time values -> IR reshape / flatten / transpose / concat. Their shape
 * inputs must be constant after folding; static shapes make Squeeze, Unsqueeze and Expand plain
 * reshapes.
 */
import { shapesEqual, type Layout } from '@skipconn/core';
import { broadcastAll, numbers, resolveReshape, squeezeShape, unsqueezeShape } from '../fold';
import { constInput, hasInput, input, output, shapeOf, unsupported, type Converter } from './util';

const Reshape: Converter = (node, ctx) => {
  const a = ctx.attrs(node);
  const shape = ctx.opset >= 5 ? numbers(constInput(ctx, node, 1, 'shape')) : (a.ints('shape') ?? []);
  const target = resolveReshape(node, shapeOf(ctx, node, 0), shape, a.int('allowzero', 0) === 1);
  ctx.bind(output(node), ctx.emit('reshape', [input(ctx, node, 0)], { shape: target }, node, output(node)));
};

const Flatten: Converter = (node, ctx) => {
  ctx.bind(output(node), ctx.emit('flatten', [input(ctx, node, 0)], { axis: ctx.attrs(node).int('axis', 1) }, node, output(node)));
};

const Transpose: Converter = (node, ctx) => {
  const perm = ctx.attrs(node).ints('perm');
  ctx.bind(output(node), ctx.emit('transpose', [input(ctx, node, 0)], perm === undefined ? {} : { perm }, node, output(node)));
};

function squeezeLike(kind: 'Squeeze' | 'Unsqueeze'): Converter {
  return (node, ctx) => {
    const shape = shapeOf(ctx, node, 0);
    const axes = ctx.opset >= 13 ? (hasInput(node, 1) ? numbers(constInput(ctx, node, 1, 'axes')) : undefined) : ctx.attrs(node).ints('axes');
    let target: number[];
    if (kind === 'Squeeze') target = squeezeShape(node, shape, axes);
    else {
      if (axes === undefined) unsupported(node, 'Unsqueeze without axes', 'axes', 'nothing');
      target = unsqueezeShape(node, shape, axes);
    }
    ctx.bind(output(node), ctx.emit('reshape', [input(ctx, node, 0)], { shape: target }, node, output(node)));
  };
}

const Expand: Converter = (node, ctx) => {
  const shape = shapeOf(ctx, node, 0);
  const target = broadcastAll(node, [shape, numbers(constInput(ctx, node, 1, 'shape'))]);
  if (!shapesEqual(target, shape)) {
    if (target.length > shape.length && shapesEqual(target.slice(target.length - shape.length), shape) && target.slice(0, target.length - shape.length).every((d) => d === 1)) {
      ctx.bind(output(node), ctx.emit('reshape', [input(ctx, node, 0)], { shape: target }, node, output(node)));
      return;
    }
    unsupported(node, 'Expand that copies data along an axis', `a target shape equal to the input's [${shape.join(',')}]`, `[${target.join(',')}]`);
  }
  ctx.bind(output(node), input(ctx, node, 0));
};

/**
 * The IR's concat joins on the channel axis of a layout, so an ONNX Concat maps directly when its
 * axis is one: axis 1 of rank 4 (NCHW) or rank 2 (NC), the last axis of rank 3 (NTC) or rank 4
 * (NHWC). Any other axis goes through [1, rest, axis] NTC views: transpose the axis last, reshape,
 * concat, reshape and transpose back (a cls-token prepend, a concat on the batch axis).
 */
const Concat: Converter = (node, ctx) => {
  const present = node.input.map((n, i) => ({ n, i })).filter(({ n }) => n !== '');
  const rank = shapeOf(ctx, node, present[0]!.i).length;
  const raw = ctx.attrs(node).int('axis', ctx.opset < 4 ? 1 : 0);
  const axis = raw < 0 ? raw + rank : raw;
  if (axis < 0 || axis >= rank) unsupported(node, 'Concat axis out of range', `an axis of a rank-${rank} value`, String(raw));
  // Zero-size inputs add nothing; drop them so layouts and shapes stay simple.
  let kept = present.filter(({ i }) => shapeOf(ctx, node, i)[axis] !== 0);
  if (kept.length === 0) kept = present.slice(0, 1);
  if (kept.length === 1) {
    ctx.bind(output(node), input(ctx, node, kept[0]!.i));
    return;
  }
  const layout: Layout | undefined = rank === 4 && axis === 1 ? 'NCHW' : rank === 4 && axis === 3 ? 'NHWC' : rank === 2 && axis === 1 ? 'NC' : rank === 3 && axis === 2 ? 'NTC' : undefined;
  if (layout !== undefined) {
    const parts = kept.map(({ i }) => ctx.withLayout(input(ctx, node, i), layout, node));
    ctx.bind(output(node), ctx.emit('concat', parts, {}, node, output(node)));
    return;
  }
  const base = node.name || `concat_${output(node)}`;
  const perm = [...Array(rank).keys()].filter((a) => a !== axis).concat(axis);
  const inverse = perm.map((_, a) => perm.indexOf(a));
  const parts = kept.map(({ i }, k) => {
    const shape = shapeOf(ctx, node, i);
    const rest = shape.filter((_, a) => a !== axis).reduce((p, d) => p * d, 1);
    const moved = perm.every((a, j) => a === j) ? input(ctx, node, i) : ctx.emit('transpose', [input(ctx, node, i)], { perm }, `${base}/in${k}`);
    return ctx.emit('reshape', [moved], { shape: [1, rest, shape[axis]!], layout: 'NTC' }, `${base}/view${k}`);
  });
  const joined = ctx.emit('concat', parts, {}, node);
  const first = shapeOf(ctx, node, kept[0]!.i);
  const total = kept.reduce((sum, { i }) => sum + shapeOf(ctx, node, i)[axis]!, 0);
  const movedShape = perm.map((a) => (a === axis ? total : first[a]!));
  const identity = perm.every((a, j) => a === j);
  const unviewed = ctx.emit('reshape', [joined], { shape: movedShape }, `${base}/unview`, identity ? output(node) : undefined);
  ctx.bind(output(node), identity ? unviewed : ctx.emit('transpose', [unviewed], { perm: inverse }, `${base}/out`, output(node)));
};

export const SHAPE_CONVERTERS: Record<string, Converter> = {
  Reshape,
  Flatten,
  Transpose,
  Squeeze: squeezeLike('Squeeze'),
  Unsqueeze: squeezeLike('Unsqueeze'),
  Expand,
  Concat,
};

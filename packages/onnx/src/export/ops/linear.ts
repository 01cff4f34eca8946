/**
 * Export of dense, matmul, layerNorm and the shape ops (reshape, flatten, transpose, slice, argMax,
 * gatherNd). These work
 * on logical axes, so a permuted input is transposed back first, except dense on an NHWC value
 * held permuted, which is exactly a 1x1 Conv on the NCHW data and stays permuted.
 */
import { normalizeAxis, sizeOf, sliceWindow, tensor, windowAsAttrs, type HostTensor } from '@skipconn/core';
import { TO_NCHW, transposeMatrix, type ExportContext } from '../context';
import { ONNX_TYPE_OF } from '../../tensor';
import type { OpExporter } from './types';

function weightOrTransposed(ctx: ExportContext, w: string): string {
  const t = ctx.weight(w);
  if (t !== undefined) return ctx.constant(`${w}__T`, transposeMatrix(t));
  const name = ctx.temp(`${w}__T`);
  ctx.node('Transpose', [ctx.get(w)], [name], { perm: [1, 0] });
  return name;
}

const dense: OpExporter<'dense'> = (node, ctx) => {
  const [x, w, b] = node.spec.inputs as [string, string, string | undefined];
  const out = node.spec.outputs[0]!;
  const rank = ctx.info(x).shape.length;
  const wt = ctx.weight(w);
  if (ctx.isPermuted(x) && node.outputs[0]!.layout === 'NHWC' && wt !== undefined) {
    const kernel: HostTensor = { dtype: wt.dtype, shape: [wt.shape[0]!, wt.shape[1]!, 1, 1], data: wt.data };
    const name = ctx.outputName(out, true);
    ctx.node('Conv', [ctx.get(x, true), ctx.constant(`${w}__1x1`, kernel), ...(b !== undefined ? [ctx.get(b)] : [])], [name], { kernel_shape: [1, 1] }, node.spec.name);
    ctx.define(out, name, true);
    return;
  }
  if (rank === 2) {
    ctx.node('Gemm', [ctx.get(x), ctx.get(w), ...(b !== undefined ? [ctx.get(b)] : [])], [out], { transB: 1 }, node.spec.name);
  } else if (b === undefined) {
    ctx.node('MatMul', [ctx.get(x), weightOrTransposed(ctx, w)], [out], {}, node.spec.name);
  } else {
    const mm = ctx.temp(`${out}__matmul`);
    ctx.node('MatMul', [ctx.get(x), weightOrTransposed(ctx, w)], [mm], {}, `${node.spec.name}/matmul`);
    ctx.node('Add', [mm, ctx.get(b)], [out], {}, node.spec.name);
  }
  ctx.define(out, out);
};

const matmul: OpExporter<'matmul'> = (node, ctx) => {
  const [a, b] = node.spec.inputs as [string, string];
  const out = node.spec.outputs[0]!;
  ctx.node('MatMul', [ctx.get(a), ctx.get(b)], [out], {}, node.spec.name);
  ctx.define(out, out);
};

const layerNorm: OpExporter<'layerNorm'> = (node, ctx) => {
  const [x, scale, bias] = node.spec.inputs as [string, string | undefined, string | undefined];
  const out = node.spec.outputs[0]!;
  const info = ctx.info(x);
  const rank = info.shape.length;
  const axis = (node.attrs.axis as number) < 0 ? (node.attrs.axis as number) + rank : (node.attrs.axis as number);
  const epsilon = node.attrs.epsilon as number;
  const normalized = info.shape.slice(axis);
  const ones = (): string => ctx.constant('layernorm_ones', tensor(info.dtype, normalized, new Array<number>(normalized.reduce((p, d) => p * d, 1)).fill(1)));
  if (ctx.opset >= 17) {
    const inputs = [ctx.get(x), scale !== undefined ? ctx.get(scale) : ones(), ...(bias !== undefined ? [ctx.get(bias)] : [])];
    ctx.node('LayerNormalization', inputs, [out], { axis, epsilon: { float: epsilon } }, node.spec.name);
    ctx.define(out, out);
    return;
  }
  // Opset < 17 has no LayerNormalization: the usual decomposition, biased variance.
  const axes = Array.from({ length: rank - axis }, (_, i) => axis + i);
  const t = (s: string) => ctx.temp(`${out}__${s}`);
  const [mean, d, sq, variance, ve, std] = [t('mean'), t('centered'), t('sq'), t('var'), t('var_eps'), t('std')];
  ctx.node('ReduceMean', [ctx.get(x)], [mean], { axes, keepdims: 1 });
  ctx.node('Sub', [ctx.get(x), mean], [d]);
  ctx.node('Mul', [d, d], [sq]);
  ctx.node('ReduceMean', [sq], [variance], { axes, keepdims: 1 });
  ctx.node('Add', [variance, ctx.scalar(epsilon, info.dtype)], [ve]);
  ctx.node('Sqrt', [ve], [std]);
  const normed = scale === undefined && bias === undefined ? out : t('normalized');
  ctx.node('Div', [d, std], [normed], {}, scale === undefined && bias === undefined ? node.spec.name : undefined);
  if (scale !== undefined) {
    const scaled = bias === undefined ? out : t('scaled');
    ctx.node('Mul', [normed, ctx.get(scale)], [scaled], {}, bias === undefined ? node.spec.name : undefined);
    if (bias !== undefined) ctx.node('Add', [scaled, ctx.get(bias)], [out], {}, node.spec.name);
  }
  ctx.define(out, out);
};

const reshape: OpExporter<'reshape'> = (node, ctx) => {
  const out = node.spec.outputs[0]!;
  const shape = node.outputs[0]!.shape;
  const allowzero = shape.includes(0) && ctx.opset >= 14 ? 1 : undefined;
  ctx.node('Reshape', [ctx.get(node.spec.inputs[0]!), ctx.int64s('shape', shape)], [out], { allowzero }, node.spec.name);
  ctx.define(out, out);
};

const flatten: OpExporter<'flatten'> = (node, ctx) => {
  const out = node.spec.outputs[0]!;
  ctx.node('Flatten', [ctx.get(node.spec.inputs[0]!)], [out], { axis: node.attrs.axis as number }, node.spec.name);
  ctx.define(out, out);
};

const transpose: OpExporter<'transpose'> = (node, ctx) => {
  const x = node.spec.inputs[0]!;
  const out = node.spec.outputs[0]!;
  const rank = ctx.info(x).shape.length;
  const perm = (node.attrs.perm as number[] | undefined) ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
  ctx.node('Transpose', [ctx.get(x)], [out], { perm }, node.spec.name);
  ctx.define(out, out);
};

/**
 * Slice with int64 starts/ends/axes/steps initializers, written from core's resolved window (so
 * every bound is already normalised and clamped) for the axes that change only. An NHWC value held
 * permuted is sliced in place on the matching NCHW axes and stays permuted.
 */
const slice: OpExporter<'slice'> = (node, ctx) => {
  const x = node.spec.inputs[0]!;
  const out = node.spec.outputs[0]!;
  const shape = ctx.info(x).shape;
  const window = sliceWindow(node.attrs, shape, { node: node.spec.name, op: 'slice' });
  const permuted = ctx.isPermuted(x);
  const name = ctx.outputName(out, permuted);
  const { starts, ends, axes, steps } = windowAsAttrs(window, shape);
  if (axes.length === 0) {
    ctx.node('Identity', [ctx.get(x, permuted)], [name], {}, node.spec.name);
    ctx.define(out, name, permuted);
    return;
  }
  const onnxAxes = permuted ? axes.map((a) => TO_NCHW.indexOf(a as 0 | 1 | 2 | 3)) : axes;
  const inputs = [ctx.get(x, permuted), ctx.int64s('slice_starts', starts), ctx.int64s('slice_ends', ends), ctx.int64s('slice_axes', onnxAxes)];
  if (steps.some((s) => s !== 1)) inputs.push(ctx.int64s('slice_steps', steps));
  ctx.node('Slice', inputs, [name], {}, node.spec.name);
  ctx.define(out, name, permuted);
};

/**
 * argMax: ONNX ArgMax (select_last_index 0: the first maximum) gives int64, cast to the IR's
 * int32 (an index below 2^31 is exact). ONNX leaves NaN open and onnxruntime's ArgMax passes over
 * it ([1, NaN, 3] gives 2), where the IR makes the first NaN win; so on floats the export
 * also takes ArgMax of the IsNaN mask (its first 1), reads the mask there with GatherElements (1
 * when the row has a NaN at all) and picks that index with Where. keepdims is 1 throughout, so
 * GatherElements lines up; a Reshape drops the axis for keepDims false.
 */
const argMax: OpExporter<'argMax'> = (node, ctx) => {
  const x = node.spec.inputs[0]!;
  const out = node.spec.outputs[0]!;
  const axis = normalizeAxis(node.attrs.axis, node.inputs[0]!.shape.length, { node: node.spec.name, op: 'argMax' });
  const keep = { axis, keepdims: 1 };
  let index = ctx.temp(`${out}__argmax`);
  ctx.node('ArgMax', [ctx.get(x)], [index], keep, node.spec.name);
  if (node.inputs[0]!.dtype !== 'int32') {
    const isNaN = ctx.temp(`${out}__isnan`);
    ctx.node('IsNaN', [ctx.get(x)], [isNaN]);
    const mask = ctx.temp(`${out}__nan_mask`);
    ctx.node('Cast', [isNaN], [mask], { to: ONNX_TYPE_OF.int32 });
    const firstNaN = ctx.temp(`${out}__first_nan`);
    ctx.node('ArgMax', [mask], [firstNaN], keep);
    const hasNaN = ctx.temp(`${out}__has_nan`);
    ctx.node('GatherElements', [mask, firstNaN], [hasNaN], { axis });
    const cond = ctx.temp(`${out}__has_nan_bool`);
    ctx.node('Cast', [hasNaN], [cond], { to: ONNX_TYPE_OF.bool });
    const picked = ctx.temp(`${out}__picked`);
    ctx.node('Where', [cond, firstNaN, index], [picked]);
    index = picked;
  }
  const int32 = node.attrs.keepDims ? out : ctx.temp(`${out}__kept`);
  ctx.node('Cast', [index], [int32], { to: ONNX_TYPE_OF.int32 });
  if (!node.attrs.keepDims) ctx.node('Reshape', [int32, ctx.int64s('shape', node.outputs[0]!.shape)], [out]);
  ctx.define(out, out);
};

/**
 * gatherNd as one Gather along axis 0 of x with its first K axes merged (ExportOptions.
 * gatherNdAsGather): the coordinate (c_0, ..., c_{K-1}) becomes the flat index sum of c_k times
 * the product of the axes after k, computed in int32 from the index columns (each a Slice of the
 * last axis). Exact for every in-range coordinate while the merged axes have fewer than 2^31
 * elements; false (write GatherND) when they do not, or when a shape has a 0 (which Reshape reads
 * as "keep this axis").
 */
function gatherNdAsGather(ctx: ExportContext, x: string, indices: string, out: string, name: string): boolean {
  const xShape = ctx.info(x).shape;
  const indexShape = ctx.info(indices).shape;
  const k = indexShape[indexShape.length - 1]!;
  const lead = xShape.slice(0, k);
  const merged = sizeOf(lead);
  if (merged >= 2 ** 31 || [...xShape, ...indexShape].includes(0)) return false;
  let data = ctx.get(x);
  if (k > 1) {
    data = ctx.temp(`${x}__merged`);
    ctx.node('Reshape', [ctx.get(x), ctx.int64s('gather_nd_merged_shape', [merged, ...xShape.slice(k)])], [data]);
  }
  let flat: string | undefined;
  for (let axis = 0; axis < k; axis++) {
    let term = ctx.get(indices);
    if (k > 1) {
      term = ctx.temp(`${indices}__c${axis}`);
      ctx.node('Slice', [ctx.get(indices), ctx.int64s('slice_starts', [axis]), ctx.int64s('slice_ends', [axis + 1]), ctx.int64s('slice_axes', [-1])], [term]);
    }
    const stride = sizeOf(lead.slice(axis + 1));
    if (stride !== 1) {
      const scaled = ctx.temp(`${indices}__c${axis}_scaled`);
      ctx.node('Mul', [term, ctx.constant('gather_nd_stride', tensor('int32', [], [stride]))], [scaled]);
      term = scaled;
    }
    if (flat !== undefined) {
      const sum = ctx.temp(`${indices}__flat${axis}`);
      ctx.node('Add', [flat, term], [sum]);
      term = sum;
    }
    flat = term;
  }
  const flatIndex = ctx.temp(`${indices}__flat`);
  ctx.node('Reshape', [flat!, ctx.int64s('gather_nd_index_shape', indexShape.slice(0, -1))], [flatIndex]);
  ctx.node('Gather', [data, flatIndex], [out], { axis: 0 }, name);
  return true;
}

/** gatherNd: ONNX GatherND (batch_dims 0) reads int64 indices, so the IR's int32 ones are cast first. */
const gatherNd: OpExporter<'gatherNd'> = (node, ctx) => {
  const [x, indices] = node.spec.inputs as [string, string];
  const out = node.spec.outputs[0]!;
  if (ctx.writing.gatherNdAsGather && gatherNdAsGather(ctx, x, indices, out, node.spec.name)) {
    ctx.define(out, out);
    return;
  }
  const wide = ctx.temp(`${indices}__int64`);
  ctx.node('Cast', [ctx.get(indices)], [wide], { to: ONNX_TYPE_OF.int64 });
  ctx.node('GatherND', [ctx.get(x), wide], [out], {}, node.spec.name);
  ctx.define(out, out);
};

/**
 * topK: ONNX TopK on the last axis, largest and sorted, which puts the lower index first among
 * equal values as the IR does; its int64 indices are cast to the IR's int32 (exact below 2^31).
 * An input without elements gets empty constants instead: onnxruntime's TopK kills the process
 * on one with zero rows (SIGFPE, measured on a [0, 5] input with k = 3 in onnxruntime-node 1.30).
 */
const topK: OpExporter<'topK'> = (node, ctx) => {
  const [values, indices] = node.spec.outputs as [string, string];
  const shape = node.outputs[0]!.shape;
  if (node.inputs[0]!.shape.includes(0)) {
    ctx.node('Identity', [ctx.constant(`${values}__empty`, tensor(node.outputs[0]!.dtype, shape, []))], [values], {}, node.spec.name);
    ctx.node('Identity', [ctx.constant(`${indices}__empty`, tensor('int32', shape, []))], [indices]);
    ctx.define(values, values);
    ctx.define(indices, indices);
    return;
  }
  const wide = ctx.temp(`${indices}__int64`);
  ctx.node('TopK', [ctx.get(node.spec.inputs[0]!), ctx.int64s('k', [node.attrs.k])], [values, wide], { axis: -1, largest: 1, sorted: 1 }, node.spec.name);
  ctx.node('Cast', [wide], [indices], { to: ONNX_TYPE_OF.int32 });
  ctx.define(values, values);
  ctx.define(indices, indices);
};

export const LINEAR_EXPORTERS = { dense, matmul, layerNorm, reshape, flatten, transpose, slice, argMax, gatherNd, topK };

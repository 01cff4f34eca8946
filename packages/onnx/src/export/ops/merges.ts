/**
 * Export of the merge ops (skip connections) to standard ONNX ops, so any runtime runs them:
 *   residual -> [Mul alpha] [Mul beta] Add [activation]
 *   concat   -> [Slice for center crop] Concat on the channel axis
 *   highway  -> Sigmoid, Sub(1, T) or Sigmoid(carry), Mul, Mul, Add
 *   gate     -> Mul (the IR already checked the broadcast axes)
 * The order of operations follows the IR formulas, so the numbers match the reference.
 */
import { channelAxis, stochasticDepthFactor } from '@skipconn/core';
import type { ExportContext } from '../context';
import { emitActivation, followPermuted, operand } from './elementwise';
import type { OpExporter } from './types';

/** A learned scale ([] or [1] scalar, or [C] per channel) in a form that broadcasts on the ONNX channel axis. */
function scaleOperand(ctx: ExportContext, scale: string, data: string, permuted: boolean): string {
  const s = ctx.info(scale);
  const layout = ctx.info(data).layout;
  const channelNotLast = permuted || layout === 'NCHW';
  if (s.shape.length !== 1 || s.shape[0] === 1 || !channelNotLast) return ctx.get(scale);
  const c = s.shape[0]!;
  const w = ctx.weight(scale);
  if (w !== undefined) return ctx.constant(`${scale}__c11`, { dtype: w.dtype, shape: [c, 1, 1], data: w.data });
  const name = ctx.temp(`${scale}__c11`);
  ctx.node('Reshape', [ctx.get(scale), ctx.int64s('shape', [c, 1, 1])], [name]);
  return name;
}

const residual: OpExporter<'residual'> = (node, ctx) => {
  const [shortcut, body, ...scales] = node.spec.inputs as [string, string, ...string[]];
  const attrs = node.attrs;
  const out = node.spec.outputs[0]!;
  const dtype = node.outputs[0]!.dtype;
  const permuted = followPermuted(ctx, [shortcut, body], node.outputs[0]!.shape.length);
  const base = node.spec.name;
  let next = 0;
  const scaled = (value: string, spec: number | 'learned', factor: number, what: string): string => {
    let v = operand(ctx, value, permuted);
    if (spec === 'learned') {
      const m = ctx.temp(`${out}__${what}`);
      ctx.node('Mul', [v, scaleOperand(ctx, scales[next++]!, shortcut, permuted)], [m], {}, `${base}/${what}`);
      v = m;
      spec = 1;
    }
    const k = spec * factor;
    if (k === 1) return v;
    const m = ctx.temp(`${out}__${what}_const`);
    ctx.node('Mul', [v, ctx.scalar(k, dtype)], [m], {}, `${base}/${what}_const`);
    return m;
  };
  const a = scaled(shortcut, attrs.alpha, 1, 'alpha');
  const b = scaled(body, attrs.beta, stochasticDepthFactor(attrs.stochasticDepth), 'beta');
  const name = ctx.outputName(out, permuted);
  if (attrs.activation === 'none') {
    ctx.node('Add', [a, b], [name], {}, base);
  } else {
    const sum = ctx.temp(`${out}__sum`);
    ctx.node('Add', [a, b], [sum], {}, `${base}/add`);
    emitActivation(ctx, attrs.activation, sum, name, dtype, base);
  }
  ctx.define(out, name, permuted);
};

const concat: OpExporter<'concat'> = (node, ctx) => {
  const inputs = node.spec.inputs;
  const out = node.spec.outputs[0]!;
  const info = node.outputs[0]!;
  const permuted = followPermuted(ctx, inputs, info.shape.length);
  const axis = permuted ? 1 : channelAxis(info.layout!);
  const spatialAxes = permuted || info.layout === 'NCHW' ? [2, 3] : [1, 2];
  const last = ctx.info(inputs[inputs.length - 1]!);
  const [hOut, wOut] = info.layout === 'NHWC' ? [last.shape[1]!, last.shape[2]!] : [last.shape[2]!, last.shape[3]!];
  const parts = inputs.map((v, i) => {
    const name = operand(ctx, v, permuted);
    if (node.attrs.crop !== 'center' || i === inputs.length - 1) return name;
    const s = ctx.info(v).shape;
    const [h, w] = info.layout === 'NHWC' ? [s[1]!, s[2]!] : [s[2]!, s[3]!];
    if (h === hOut && w === wOut) return name;
    const top = Math.floor((h - hOut) / 2);
    const left = Math.floor((w - wOut) / 2);
    const cropped = ctx.temp(`${v}__crop`);
    ctx.node('Slice', [name, ctx.int64s('starts', [top, left]), ctx.int64s('ends', [top + hOut, left + wOut]), ctx.int64s('axes', spatialAxes)], [cropped], {}, `${node.spec.name}/crop${i}`);
    return cropped;
  });
  const name = ctx.outputName(out, permuted);
  ctx.node('Concat', parts, [name], { axis }, node.spec.name);
  ctx.define(out, name, permuted);
};

const highway: OpExporter<'highway'> = (node, ctx) => {
  const [x, h, t, c] = node.spec.inputs as [string, string, string, string | undefined];
  const out = node.spec.outputs[0]!;
  const dtype = node.outputs[0]!.dtype;
  const permuted = followPermuted(ctx, node.spec.inputs, node.outputs[0]!.shape.length);
  const tmp = (s: string) => ctx.temp(`${out}__${s}`);
  const [gateT, gateC, th, cx] = [tmp('transform'), tmp('carry'), tmp('th'), tmp('cx')];
  const base = node.spec.name;
  ctx.node('Sigmoid', [operand(ctx, t, permuted)], [gateT], {}, `${base}/transform`);
  if (c === undefined) ctx.node('Sub', [ctx.scalar(1, dtype), gateT], [gateC], {}, `${base}/carry`);
  else ctx.node('Sigmoid', [operand(ctx, c, permuted)], [gateC], {}, `${base}/carry`);
  ctx.node('Mul', [gateT, operand(ctx, h, permuted)], [th], {}, `${base}/th`);
  ctx.node('Mul', [gateC, operand(ctx, x, permuted)], [cx], {}, `${base}/cx`);
  const name = ctx.outputName(out, permuted);
  ctx.node('Add', [th, cx], [name], {}, base);
  ctx.define(out, name, permuted);
};

const gate: OpExporter<'gate'> = (node, ctx) => {
  const [x, g] = node.spec.inputs as [string, string];
  const out = node.spec.outputs[0]!;
  const permuted = followPermuted(ctx, [x, g], node.outputs[0]!.shape.length);
  const name = ctx.outputName(out, permuted);
  ctx.node('Mul', [operand(ctx, x, permuted), operand(ctx, g, permuted)], [name], {}, node.spec.name);
  ctx.define(out, name, permuted);
};

export const MERGE_EXPORTERS = { residual, concat, highway, gate };

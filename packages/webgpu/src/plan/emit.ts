/**
 * From placed steps to kernel calls: each call names a generated shader, its spec (shapes,
 * strides, offsets and bindings baked in) and the buffers of its bindings. Bindings are deduped
 * by physical buffer: when a kernel reads and writes the same buffer (a DenseNet conv reading the
 * concat buffer and writing its own slice of it), it binds it once as read_write, which WebGPU
 * requires (a writable binding may not alias another binding in one dispatch).
 */
import {
  channelAxis,
  matmulDims,
  normalizeAxis,
  resolveSoftmaxAxis,
  stridesOf,
  centerCropOffsets,
  type AvgPool2dAttrs,
  type Conv2dAttrs,
  type ConvTranspose2dAttrs,
  type Layout,
  type LayerNormAttrs,
  type MaxPool2dAttrs,
  type PadAttrs,
  type ResizeAttrs,
  type SoftmaxAttrs,
  type ValidatedGraph,
  type ValidatedNode,
} from '@skipconn/core';
import { ewiseShader, ewiseVectorizable } from '../kernels/ewise';
import { conv2dShader, type FusedExpr } from '../kernels/conv2d';
import { convTranspose2dShader } from '../kernels/conv-transpose2d';
import { CONV_STAGE_FLOATS, CONV_TILE, conv2dTiledShader, convPatch, convTiles } from '../kernels/conv2d-tiled';
import { denseShader, denseTiles } from '../kernels/dense';
import { matmulShader, matmulTiles } from '../kernels/matmul';
import { maxPool2dShader } from '../kernels/max-pool2d';
import { avgPool2dShader } from '../kernels/avg-pool2d';
import { globalAvgPoolShader } from '../kernels/global-avg-pool';
import { resizeShader } from '../kernels/resize';
import { padShader } from '../kernels/pad';
import { softmaxShader } from '../kernels/softmax';
import { layerNormShader } from '../kernels/layer-norm';
import { geometry, shaderKey, type BindingSpec, type ShaderDef, type ShaderSpec } from '../kernels/wgsl';
import { resizeTable } from './resize-table';
import { copyFused, type Fused } from './steps';
import { Binder, alignLoc, canonical } from './binding';
import type { BufRef, Loc, Placement } from './placement';

/** Ops with a kernel of their own in emitOp (the rest are elementwise, anchors, layerNorm, concat, alias). */
export const STANDALONE_OPS: readonly string[] = ['softmax', 'maxPool2d', 'avgPool2d', 'globalAvgPool', 'resize', 'pad'];

export interface KernelCall {
  readonly label: string;
  readonly shaderName: string;
  readonly key: string;
  readonly source: () => string;
  readonly bindings: readonly BindingSpec[];
  /** Buffer of each binding. */
  readonly buffers: readonly BufRef[];
  readonly groups: { readonly gx: number; readonly gy: number };
}

export interface Emitted {
  readonly calls: readonly KernelCall[];
  /** Constants the kernels need beyond the graph's weights (resize tables). */
  readonly constants: ReadonlyMap<string, Float32Array>;
}

function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Convolution kernel choice. `tiled` 'auto' stages input patches in workgroup memory only when
 * that saves the most: a fused prologue (evaluated once per staged element instead of once per
 * read) or an input read from the buffer the kernel writes (a read_write binding, which misses
 * the read-only caches). `outputsPerThread` caps the output channels one thread accumulates
 * (default 4, the best of 1, 4 and 8 on an H100 for ResNet-sized convolutions).
 * `channelsPerStage` caps the input channels the tiled kernel stages between two barriers
 * (default 8; the most of 8, 4, 2, 1 that divides the channels per group and fits 16 KiB).
 */
export interface ConvSettings {
  readonly tiled?: 'auto' | 'always' | 'never';
  readonly outputsPerThread?: 1 | 2 | 4 | 8;
  readonly channelsPerStage?: 1 | 2 | 4 | 8;
}

export function emitCalls(vg: ValidatedGraph, placement: Placement, physical: (ref: BufRef) => string, conv: ConvSettings = {}): Emitted {
  const calls: KernelCall[] = [];
  const constants = new Map<string, Float32Array>();
  const { loc } = placement;

  const call = <S extends ShaderSpec>(label: string, shader: ShaderDef<S>, binder: Binder, spec: S, groups: number): void => {
    if (groups <= 0) return;
    const key = shaderKey(shader.name, spec);
    calls.push({ label, shaderName: shader.name, key, source: () => shader.generate(spec), bindings: spec.bindings, buffers: [...binder.refs], groups: geometry(groups) });
  };

  const fusedViews = (binder: Binder, f: Fused, shape: readonly number[], layout?: Layout): FusedExpr => ({
    expr: f.expr,
    leaves: f.leaves.map((leaf) => {
      const v = binder.view(alignLoc(loc(leaf.value), leaf, shape));
      return layout === undefined ? v : canonical(v, layout);
    }),
  });

  /** An elementwise call over leaves already aligned to `out`'s shape. */
  const ewiseLocs = (label: string, expr: Fused['expr'], leafLocs: readonly Loc[], out: Loc): void => {
    const total = size(out.shape);
    if (total === 0) return;
    const binder = new Binder(physical);
    const o = binder.view(out, true);
    const leaves = leafLocs.map((l) => binder.view(l));
    const { vec, vecBindings } = ewiseVectorizable(o, leaves);
    const groups = Math.ceil((vec ? total / 4 : total) / 256);
    call(label, ewiseShader, binder, { bindings: binder.bindings(vecBindings), wg: 256, gx: geometry(groups).gx, out: o, leaves, expr, vec }, groups);
  };
  const ewise = (label: string, f: Fused, out: Loc): void =>
    ewiseLocs(label, f.expr, f.leaves.map((leaf) => alignLoc(loc(leaf.value), leaf, out.shape)), out);

  /** One thread per output element. */
  const items = <S extends ShaderSpec>(label: string, shader: ShaderDef<S>, binder: Binder, total: number, make: (base: ShaderSpec) => S): void => {
    if (total === 0) return;
    const groups = Math.ceil(total / 128);
    call(label, shader, binder, make({ bindings: [], wg: 128, gx: geometry(groups).gx }), groups);
  };
  /** Fills in bindings last: views must be bound before the spec is frozen. */
  const withBindings = <S extends ShaderSpec>(binder: Binder, spec: S): S => ({ ...spec, bindings: binder.bindings() });

  const image = (binder: Binder, node: ValidatedNode) => {
    const layout = node.outputs[0]!.layout! as 'NCHW' | 'NHWC';
    const xv = canonical(binder.view(loc(node.spec.inputs[0]!)), layout);
    const ov = canonical(binder.view(loc(node.spec.outputs[0]!), true), layout);
    return { layout, xv, ov };
  };

  /** Concat slices already written by an earlier member copy (a prefix family shares its buffer). */
  const written = new Set<string>();

  placement.steps.forEach((step, index) => {
    const label = step.nodes.join('+') || step.outs.join(',');
    switch (step.kind) {
      case 'ewise':
        ewise(label, step.fused, loc(step.outs[0]!));
        return;
      case 'conv2d':
      case 'convTranspose2d': {
        const node = step.node;
        const layout = node.inputs[0]!.layout! as 'NCHW' | 'NHWC';
        const binder = new Binder(physical);
        const out = loc(step.outs[0]!);
        const ov = canonical(binder.view(out, true), layout);
        const xShape = node.inputs[0]!.shape;
        const xv = step.pro === undefined ? canonical(binder.view(loc(node.spec.inputs[0]!)), layout) : undefined;
        const pro = step.pro === undefined ? undefined : fusedViews(binder, step.pro, xShape, layout);
        const wl = loc(node.spec.inputs[1]!);
        const w = { b: binder.bind(wl.buf), off: wl.off };
        const bl = node.spec.inputs[2] === undefined ? undefined : loc(node.spec.inputs[2]);
        const bias = bl === undefined ? undefined : { b: binder.bind(bl.buf), off: bl.off };
        const epi = step.epi === undefined ? undefined : fusedViews(binder, step.epi, out.shape, layout);
        const xCanon = canonical({ b: 0, off: 0, shape: xShape, strides: xShape.map(() => 0) }, layout);
        const x = xv ?? xCanon;
        if (step.kind === 'conv2d') {
          const a = node.attrs as Conv2dAttrs;
          const [, , kh, kw] = node.inputs[1]!.shape as [number, number, number, number];
          const og = ov.shape[1]! / a.groups;
          const ob = [8, 4, 2, 1].find((b) => b <= (conv.outputsPerThread ?? 4) && og % b === 0)!;
          const fields = {
            x, out: ov, order: layout, w, ...(bias ? { bias } : {}), ob,
            kernel: [kh, kw] as const, strides: a.strides, pads: [a.pads[0], a.pads[1]] as const, dilations: a.dilations, groups: a.groups,
            ...(pro ? { pro } : {}), ...(epi ? { epi } : {}),
          };
          const [ph, pw] = convPatch(fields);
          // Tiled only where it pays (see ConvSettings), the output has a tile of pixels and the patch fits in 16 KiB.
          const aliased = pro === undefined ? binder.access[x.b] === 'read_write' : pro.leaves.some((l) => binder.access[l.b] === 'read_write');
          const wanted = conv.tiled === 'always' || (conv.tiled !== 'never' && (pro !== undefined || aliased));
          if (wanted && ov.shape[2]! * ov.shape[3]! >= CONV_TILE * CONV_TILE && ph * pw <= CONV_STAGE_FLOATS) {
            const cg = x.shape[1]! / a.groups;
            const cb = [8, 4, 2, 1].find((c) => c <= (conv.channelsPerStage ?? 8) && cg % c === 0 && c * ph * pw <= CONV_STAGE_FLOATS)!;
            const tiles = convTiles(ov.shape, ob);
            if (size(out.shape) > 0) call(label, conv2dTiledShader, binder, withBindings(binder, { bindings: [], wg: CONV_TILE * CONV_TILE, gx: geometry(tiles).gx, ...fields, cb }), tiles);
          } else {
            items(label, conv2dShader, binder, size(out.shape) / ob, (base) => withBindings(binder, { ...base, ...fields }));
          }
        } else {
          const a = node.attrs as ConvTranspose2dAttrs;
          const [, , kh, kw] = node.inputs[1]!.shape as [number, number, number, number];
          items(label, convTranspose2dShader, binder, size(out.shape), (base) => withBindings(binder, {
            ...base, x, out: ov, order: layout, w, ...(bias ? { bias } : {}),
            kernel: [kh, kw], strides: a.strides, pads: [a.pads[0], a.pads[1]], dilations: a.dilations, groups: a.groups,
            ...(epi ? { epi } : {}),
          }));
        }
        return;
      }
      case 'dense': {
        const node = step.node;
        const binder = new Binder(physical);
        const out = loc(step.outs[0]!);
        const ov = binder.view(out, true);
        const xv = binder.view(loc(node.spec.inputs[0]!));
        const wl = loc(node.spec.inputs[1]!);
        const w = { b: binder.bind(wl.buf), off: wl.off };
        const bl = node.spec.inputs[2] === undefined ? undefined : loc(node.spec.inputs[2]);
        const bias = bl === undefined ? undefined : { b: binder.bind(bl.buf), off: bl.off };
        const epi = step.epi === undefined ? undefined : fusedViews(binder, step.epi, out.shape);
        const tiles = denseTiles(out.shape, node.inputs[1]!.shape[1]!);
        if (size(out.shape) > 0) {
          call(label, denseShader, binder, withBindings(binder, {
            bindings: [], wg: 256, gx: geometry(tiles).gx, x: xv, out: ov, w, ...(bias ? { bias } : {}), ...(epi ? { epi } : {}),
          }), tiles);
        }
        return;
      }
      case 'matmul': {
        const node = step.node;
        const binder = new Binder(physical);
        const out = loc(step.outs[0]!);
        const dims = matmulDims(node.inputs[0]!.shape, node.inputs[1]!.shape, { node: node.spec.name, op: 'matmul' });
        const full = [...dims.batch, dims.m, dims.n];
        const r = full.length;
        const al = loc(node.spec.inputs[0]!);
        const bl = loc(node.spec.inputs[1]!);
        const aRank1 = node.inputs[0]!.shape.length === 1;
        const bRank1 = node.inputs[1]!.shape.length === 1;
        // Promote rank-1 operands, then broadcast batch axes (stride 0).
        const promote = (l: Loc, rank1: boolean, first: boolean): Loc => {
          if (!rank1) return l;
          return first ? { ...l, shape: [1, l.shape[0]!], strides: [0, l.strides[0]!] } : { ...l, shape: [l.shape[0]!, 1], strides: [l.strides[0]!, 0] };
        };
        const batchView = (l: Loc, inner: [number, number]): Loc => {
          const lead = r - l.shape.length;
          const strides = full.map((_, i) => {
            if (i >= r - 2) return l.strides[i - lead]!;
            return i < lead || l.shape[i - lead] === 1 ? 0 : l.strides[i - lead]!;
          });
          return { buf: l.buf, off: l.off, shape: [...dims.batch, ...inner], strides };
        };
        const av = binder.view(batchView(promote(al, aRank1, true), [dims.m, dims.k]));
        const bv = binder.view(batchView(promote(bl, bRank1, false), [dims.k, dims.n]));
        // The output and epilogue leaves live in the real (unpromoted) shape: insert the promoted axes.
        const expand = (l: Loc): Loc => {
          const strides = [...l.strides];
          if (aRank1) strides.splice(r - 2, 0, 0);
          if (bRank1) strides.splice(r - 1, 0, 0);
          return { ...l, shape: full, strides };
        };
        const ov = binder.view(expand(out), true);
        const epi = step.epi === undefined ? undefined : {
          expr: step.epi.expr,
          leaves: step.epi.leaves.map((leaf) => binder.view(expand(alignLoc(loc(leaf.value), leaf, out.shape)))),
        };
        const tiles = matmulTiles(full, dims.k);
        if (size(full) > 0) {
          call(label, matmulShader, binder, withBindings(binder, { bindings: [], wg: 256, gx: geometry(tiles).gx, a: av, b: bv, out: ov, ...(epi ? { epi } : {}) }), tiles);
        }
        return;
      }
      case 'layerNorm': {
        const node = step.node;
        const a = node.attrs as LayerNormAttrs;
        const binder = new Binder(physical);
        const out = loc(step.outs[0]!);
        const ov = binder.view(out, true);
        const axis = normalizeAxis(a.axis, out.shape.length, { node: node.spec.name, op: 'layerNorm' });
        const x = step.pro === undefined ? binder.view(loc(node.spec.inputs[0]!)) : undefined;
        const pro = step.pro === undefined ? undefined : fusedViews(binder, step.pro, out.shape);
        const out2 = step.outs[1] === undefined ? undefined : binder.view(loc(step.outs[1]), true);
        const param = (i: number) => {
          const v = node.spec.inputs[i];
          if (v === undefined) return undefined;
          const l = loc(v);
          return { b: binder.bind(l.buf), off: l.off };
        };
        const scale = param(1);
        const bias = param(2);
        const rows = size(out.shape.slice(0, axis));
        const len = size(out.shape.slice(axis));
        if (rows * len === 0) return;
        const wg = len >= 256 ? 256 : len >= 64 ? 64 : 32;
        const spec = withBindings(binder, {
          bindings: [], wg, gx: geometry(rows).gx, out: ov, axis, epsilon: a.epsilon,
          ...(x ? { x } : {}), ...(scale ? { scale } : {}), ...(bias ? { bias } : {}), ...(pro ? { pro } : {}), ...(out2 ? { out2 } : {}),
        });
        call(label, layerNormShader, binder, spec, rows);
        return;
      }
      case 'alias': {
        if (!placement.aliasCopies.has(index)) return;
        const src = loc(step.node.spec.inputs[0]!);
        const dst = loc(step.outs[0]!);
        // Same elements in the same row-major order: write the dense output as if it had the input's shape.
        ewise(label, copyFused(step.node.spec.inputs[0]!), { ...dst, shape: src.shape, strides: stridesOf(src.shape) });
        return;
      }
      case 'concat': {
        const node = step.node;
        const out = node.spec.outputs[0]!;
        const outInfo = node.outputs[0]!;
        const axis = channelAxis(outInfo.layout!);
        const dst = loc(out);
        const crop = (node.attrs as { crop: string }).crop === 'center';
        let offset = 0;
        node.spec.inputs.forEach((m) => {
          const info = vg.values.get(m)!;
          const target = outInfo.shape.map((d, a) => (a === axis ? info.shape[a]! : d));
          const slice: Loc = { buf: dst.buf, off: dst.off + offset * dst.strides[axis]!, shape: target, strides: dst.strides };
          offset += info.shape[axis]!;
          const src = loc(m);
          const starts = crop ? centerCropOffsets(info.shape, target) : target.map(() => 0);
          starts[axis] = 0;
          const from: Loc = { ...src, off: src.off + starts.reduce((acc, s, a) => acc + s * src.strides[a]!, 0), shape: target };
          const inPlace = physical(from.buf) === physical(slice.buf) && from.off === slice.off && from.strides.every((s, a) => s === slice.strides[a] || target[a]! <= 1);
          if (inPlace) return;
          const key = `${physical(slice.buf)}:${slice.off}:${slice.strides.join(',')}:${target.join(',')}<-${m}`;
          if (written.has(key)) return;
          written.add(key);
          ewiseLocs(`${label}[${m}]`, copyFused(m).expr, [from], slice);
        });
        return;
      }
      case 'op':
        emitOp(step.node, label);
        return;
    }
  });

  function emitOp(node: ValidatedNode, label: string): void {
    // The ops handled here are listed in STANDALONE_OPS.
    const binder = new Binder(physical);
    const ref = { node: node.spec.name, op: node.spec.op };
    switch (node.spec.op) {
      case 'softmax': {
        const x = binder.view(loc(node.spec.inputs[0]!));
        const out = binder.view(loc(node.spec.outputs[0]!), true);
        const axis = resolveSoftmaxAxis(node.attrs as SoftmaxAttrs, node.inputs[0]!, ref);
        const len = x.shape[axis]!;
        const rows = size(x.shape) / Math.max(1, len);
        if (size(x.shape) === 0) return;
        const wg = len >= 256 ? 256 : len >= 64 ? 64 : 32;
        call(label, softmaxShader, binder, withBindings(binder, { bindings: [], wg, gx: geometry(rows).gx, x, out, axis }), rows);
        return;
      }
      case 'maxPool2d': {
        const { layout, xv, ov } = image(binder, node);
        const a = node.attrs as MaxPool2dAttrs;
        items(label, maxPool2dShader, binder, size(ov.shape), (base) => withBindings(binder, {
          ...base, x: xv, out: ov, order: layout, kernel: a.kernel, strides: a.strides, pads: [a.pads[0], a.pads[1]], dilations: a.dilations,
        }));
        return;
      }
      case 'avgPool2d': {
        const { layout, xv, ov } = image(binder, node);
        const a = node.attrs as AvgPool2dAttrs;
        items(label, avgPool2dShader, binder, size(ov.shape), (base) => withBindings(binder, {
          ...base, x: xv, out: ov, order: layout, kernel: a.kernel, strides: a.strides, pads: a.pads, countIncludePad: a.countIncludePad,
        }));
        return;
      }
      case 'globalAvgPool': {
        const { xv, ov } = image(binder, node);
        items(label, globalAvgPoolShader, binder, xv.shape[0]! * xv.shape[1]!, (base) => withBindings(binder, { ...base, x: xv, out: ov }));
        return;
      }
      case 'resize': {
        const { layout, xv, ov } = image(binder, node);
        const a = node.attrs as ResizeAttrs;
        const name = `${node.spec.name}#resize`;
        const [, , ih, iw] = xv.shape as [number, number, number, number];
        const [, , oh, ow] = ov.shape as [number, number, number, number];
        constants.set(name, resizeTable(a, [ih, iw], [oh, ow]));
        const table = { b: binder.bind({ k: 'const', name }), off: 0 };
        items(label, resizeShader, binder, size(ov.shape), (base) => withBindings(binder, {
          ...base, x: xv, out: ov, order: layout, table, nearest: a.mode === 'nearest',
        }));
        return;
      }
      case 'pad': {
        const { layout, xv, ov } = image(binder, node);
        const a = node.attrs as PadAttrs;
        items(label, padShader, binder, size(ov.shape), (base) => withBindings(binder, {
          ...base, x: xv, out: ov, order: layout, pads: [a.pads[0], a.pads[1]], mode: a.mode, value: a.value,
        }));
        return;
      }
      default:
        throw new Error(`internal: no webgpu kernel for op '${node.spec.op}'`);
    }
  }

  return { calls, constants };
}


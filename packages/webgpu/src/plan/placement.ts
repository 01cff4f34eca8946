/**
 * Where every value lives: a location is a buffer (an arena allocation or a constant), an element
 * offset and strides. This is where concatenation stops costing copies (Pleiss et al. 2017,
 * "Memory-efficient implementation of DenseNets"):
 *
 *   - a concat member is *hosted* in its channel slice of the concat's buffer: its producer
 *     writes there directly (every kernel writes through strided views), so the concat itself
 *     emits no kernel. For NCHW batch 1 the slice is contiguous; otherwise it is strided.
 *   - a concat whose inputs are a prefix of a later concat's inputs (DenseNet: concat_i joins x,
 *     f1..fi and concat_{i+1} adds f_{i+1}) is hosted at offset 0 of the later one, so the whole
 *     dense block shares one buffer and its feature memory is linear in depth.
 *   - reshape and flatten of a dense value are views of the same memory.
 *
 * Members that cannot be hosted (weights, center-cropped U-Net inputs, a value already hosted
 * elsewhere, a graph input whose slice is not contiguous) are copied by the concat's step.
 * Graph outputs whose location is not dense are copied to a dense buffer at the end.
 */
import { channelAxis, stridesOf, type ValidatedGraph } from '@skipconn/core';
import { isDenseView } from '../kernels/ewise';
import type { ElemType } from '../kernels/wgsl';
import { copyFused, stepReads, type Step } from './steps';

export type BufRef = { readonly k: 'alloc'; readonly id: number } | { readonly k: 'const'; readonly name: string };

export interface Loc {
  readonly buf: BufRef;
  /** The WGSL type of its values: i32 for int32 values, f32 for the rest (float16 runs in float32). */
  readonly elem: ElemType;
  readonly off: number;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
}

export interface Alloc {
  readonly id: number;
  /** Elements. */
  readonly size: number;
  /** First and last step (inclusive) that touch it; -1 = before the first step (uploads), steps.length = read back. */
  start: number;
  end: number;
  /** Values living in it. */
  readonly values: string[];
}

export interface Placement {
  readonly steps: readonly Step[];
  readonly allocs: readonly Alloc[];
  loc(value: string): Loc;
  /** Where each graph output is read back from (dense). */
  readonly outputs: ReadonlyMap<string, Loc>;
  /** View steps that must copy (their input is not dense), by step index. */
  readonly aliasCopies: ReadonlySet<number>;
  /** Members hosted in place (value -> concat value), for reporting. */
  readonly hosted: ReadonlyMap<string, string>;
}

/** Step kinds whose kernels write their outputs (a view only names its input's memory). */
const WRITERS: ReadonlySet<Step['kind']> = new Set(['ewise', 'anchor', 'normalize', 'standalone', 'concat']);

function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function placeValues(vg: ValidatedGraph, built: readonly Step[], constants: ReadonlyMap<string, Float32Array>): Placement {
  const steps = [...built];
  const isConst = (v: string): boolean => vg.weightNames.has(v) || constants.has(v);
  const shapes = new Map<string, readonly number[]>([...constants].map(([name, data]) => [name, [data.length]]));
  /** Dense copies of outputs (`name#dense`) hold their output's values; derived constants are float32. */
  const copyOf = new Map<string, string>();
  const elemOf = (v: string): ElemType => (vg.values.get(copyOf.get(v) ?? v)?.dtype === 'int32' ? 'i32' : 'f32');
  const producerKind = new Map<string, Step['kind']>();
  steps.forEach((s) => s.outs.forEach((o) => producerKind.set(o, s.kind)));

  // 1. Hosting, latest concat first so that the largest concat of a family claims the members.
  const host = new Map<string, { host: string; offset: number }>();
  const concats = steps.filter((s): s is Extract<Step, { kind: 'concat' }> => s.kind === 'concat');
  for (let ci = concats.length - 1; ci >= 0; ci--) {
    const { node, centerCrop } = concats[ci]!;
    const out = node.spec.outputs[0]!;
    const layout = node.outputs[0]!.layout!;
    const axis = channelAxis(layout);
    const inputs = node.spec.inputs;
    if (!host.has(out) && !centerCrop) {
      let best: string | undefined;
      let bestLen = inputs.length;
      for (const other of concats) {
        const o = other.node;
        const oi = o.spec.inputs;
        if (o === node || oi.length <= bestLen || other.centerCrop || o.outputs[0]!.layout !== layout) continue;
        if (inputs.every((v, i) => oi[i] === v)) {
          best = o.spec.outputs[0]!;
          bestLen = oi.length;
        }
      }
      if (best !== undefined) host.set(out, { host: best, offset: 0 });
    }
    const seen = new Set<string>();
    let offset = 0;
    inputs.forEach((m, j) => {
      const channels = vg.values.get(m)!.shape[axis]!;
      const cropped = centerCrop && j !== inputs.length - 1;
      const kind = producerKind.get(m);
      const writable = (kind !== undefined && WRITERS.has(kind)) || vg.inputNames.has(m);
      if (!seen.has(m) && !host.has(m) && !cropped && writable && !isConst(m) && m !== out) host.set(m, { host: out, offset });
      seen.add(m);
      offset += channels;
    });
  }

  // 2. Locations. Roots own an allocation; hosted values are slices; dense reshapes are views.
  const allocs: Alloc[] = [];
  const allocOf = new Map<string, Alloc>();
  const aliasOf = new Map<string, string>();
  const aliasCopies = new Set<number>();
  const cache = new Map<string, Loc>();
  const rootAlloc = (v: string): Alloc => {
    let a = allocOf.get(v);
    if (a === undefined) {
      a = { id: allocs.length, size: size(shapeOf(v)), start: Infinity, end: -Infinity, values: [] };
      allocs.push(a);
      allocOf.set(v, a);
    }
    return a;
  };
  const shapeOf = (v: string): readonly number[] => vg.values.get(v)?.shape ?? shapes.get(v)!;
  const loc = (v: string): Loc => {
    const hit = cache.get(v);
    if (hit !== undefined) return hit;
    const shape = shapeOf(v);
    const elem = elemOf(v);
    let l: Loc;
    if (isConst(v)) {
      l = { buf: { k: 'const', name: v }, elem, off: 0, shape, strides: stridesOf(shape) };
    } else if (host.has(v)) {
      const h = host.get(v)!;
      const hl = loc(h.host);
      const axis = channelAxis(vg.values.get(h.host)!.layout!);
      l = { buf: hl.buf, elem, off: hl.off + h.offset * hl.strides[axis]!, shape, strides: hl.strides };
    } else if (aliasOf.has(v)) {
      const src = loc(aliasOf.get(v)!);
      l = { buf: src.buf, elem, off: src.off, shape, strides: stridesOf(shape) };
    } else {
      l = { buf: { k: 'alloc', id: rootAlloc(v).id }, elem, off: 0, shape, strides: stridesOf(shape) };
    }
    cache.set(v, l);
    return l;
  };

  // Graph inputs are uploaded with one contiguous write, so a hosted input needs a dense slice.
  for (const name of vg.inputNames) {
    if (host.has(name) && !isDenseView(loc(name))) {
      host.delete(name);
      cache.clear();
    }
  }
  steps.forEach((s, i) => {
    if (s.kind !== 'view') return;
    const src = s.node.spec.inputs[0]!;
    if (isDenseView(loc(src))) aliasOf.set(s.outs[0]!, src);
    else aliasCopies.add(i);
  });
  cache.clear();

  // 3. Outputs that are not dense get a copy at the end.
  const outputs = new Map<string, Loc>();
  for (const name of vg.graph.outputs) {
    const l = loc(name);
    if (isDenseView(l)) {
      outputs.set(name, l);
    } else {
      const copy = `${name}#dense`;
      shapes.set(copy, l.shape);
      copyOf.set(copy, name);
      steps.push({ kind: 'ewise', nodes: [], outs: [copy], fused: copyFused(name) });
      outputs.set(name, loc(copy));
    }
  }

  // 4. Lifetimes of allocations, over every value they hold.
  const touch = (v: string, at: number): void => {
    if (isConst(v)) return;
    const l = loc(v);
    if (l.buf.k !== 'alloc') return;
    const a = allocs[l.buf.id]!;
    a.start = Math.min(a.start, at);
    a.end = Math.max(a.end, at);
    if (!a.values.includes(v)) a.values.push(v);
  };
  for (const name of vg.inputNames) touch(name, -1);
  steps.forEach((s, i) => {
    s.outs.forEach((o) => touch(o, i));
    stepReads(s).forEach((v) => touch(v, i));
  });
  for (const l of outputs.values()) if (l.buf.k === 'alloc') allocs[l.buf.id]!.end = steps.length;
  for (const a of allocs) {
    if (a.start === Infinity) a.start = a.end = -1;
  }
  const hosted = new Map([...host].map(([v, h]) => [v, h.host]));
  return { steps, allocs, loc, outputs, aliasCopies, hosted };
}

/**
 * What every emitter shares while turning one plan's steps into kernel calls: where values live,
 * the list of calls being built, and the helpers that bind views and freeze shader specs.
 * Bindings are deduped by physical buffer: when a kernel reads and writes the same buffer (a
 * DenseNet conv reading the concat buffer and writing its own slice of it), it binds it once as
 * read_write, which WebGPU requires (a writable binding may not alias another binding in one
 * dispatch).
 */
import type { Layout, OpType, ValidatedGraph, ValidatedNode, ValidatedNodeOf } from '@skipconn/core';
import { ewiseShader, ewiseVectorizable } from '../../kernels/ewise';
import type { FusedExpr } from '../../kernels/conv2d';
import { geometry, shaderKey, type BindingSpec, type ShaderDef, type ShaderSpec, type ViewSpec } from '../../kernels/wgsl';
import { Binder, alignLoc, canonical } from '../binding';
import type { Fused } from '../fused';
import type { BufRef, Loc, Placement } from '../placement';
import type { NodeStep, StepOf } from '../steps';
import type { ConvSettings } from './conv';

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

export interface EmitContext {
  readonly vg: ValidatedGraph;
  /** Where a value lives (buffer, element offset, strides). */
  loc(value: string): Loc;
  /** The physical buffer of a reference: two references to one buffer bind once. */
  readonly physical: (ref: BufRef) => string;
  readonly conv: ConvSettings;
  /** Whether products with one row take the matrix-vector kernel (kernels/gemv.ts) instead of the tiled GEMM. */
  readonly gemv: boolean;
  /** Constants the kernels need beyond the graph's weights (resize tables), by value name. */
  readonly constants: Map<string, Float32Array>;
  /** Concat slices already written by an earlier member copy (a prefix family shares its buffer). */
  readonly writtenSlices: Set<string>;
  /** A binder for one dispatch. */
  binder(): Binder;
  /** Adds a call of `shader` with `spec` over `groups` workgroups (none when `groups` is 0). */
  call<S extends ShaderSpec>(label: string, shader: ShaderDef<S>, binder: Binder, spec: S, groups: number): void;
  /** A fused expression's leaves as views aligned to `shape` (canonical image views when `layout` is given). */
  fusedViews(binder: Binder, f: Fused, shape: readonly number[], layout?: Layout): FusedExpr;
  /** An elementwise call over leaves already aligned to `out`'s shape. */
  ewiseLocs(label: string, expr: Fused['expr'], leafLocs: readonly Loc[], out: Loc): void;
  /** An elementwise call computing `f` into `out`. */
  ewise(label: string, f: Fused, out: Loc): void;
  /** One thread per output element (`total` of them), in workgroups of 128. */
  items<S extends ShaderSpec>(label: string, shader: ShaderDef<S>, binder: Binder, total: number, make: (base: ShaderSpec) => S): void;
  /** Fills in bindings last: views must be bound before the spec is frozen. */
  withBindings<S extends ShaderSpec>(binder: Binder, spec: S): S;
  /** A 4-D image node's input and output as canonical [N, C, H, W] views. */
  image(binder: Binder, node: ValidatedNode): { layout: 'NCHW' | 'NHWC'; xv: ViewSpec; ov: ViewSpec };
}

/** Emits the kernel calls of one step of kind S for a node of op K; `label` names the IR nodes it covers. */
export type StepEmitter<K extends OpType, S extends NodeStep['kind']> = (node: ValidatedNodeOf<K>, step: StepOf<S>, label: string, ctx: EmitContext) => void;

/** An emitter that reads no attributes, so it serves any op's slot. */
export type AnyStepEmitter<S extends NodeStep['kind']> = (node: ValidatedNode, step: StepOf<S>, label: string, ctx: EmitContext) => void;

export function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * `halfWeights`: weights whose buffers hold packed float16 pairs; every binding of one is marked
 * so (BindingSpec.packedHalves), and only kernels that read through `weightAt` may bind them.
 */
export function createEmitContext(
  vg: ValidatedGraph,
  placement: Placement,
  physical: (ref: BufRef) => string,
  conv: ConvSettings,
  gemv: boolean,
  halfWeights: ReadonlySet<string> = new Set(),
): { ctx: EmitContext; calls: readonly KernelCall[] } {
  const calls: KernelCall[] = [];
  const { loc } = placement;
  const packedHalves = (ref: BufRef): boolean => ref.k === 'const' && halfWeights.has(ref.name);
  const newBinder = (): Binder => new Binder(physical, packedHalves);

  const call = <S extends ShaderSpec>(label: string, shader: ShaderDef<S>, binder: Binder, spec: S, groups: number): void => {
    if (groups <= 0) return;
    const key = shaderKey(shader.name, spec);
    calls.push({ label, shaderName: shader.name, key, source: () => shader.generate(spec), bindings: spec.bindings, buffers: [...binder.refs], groups: geometry(groups) });
  };

  const ewiseLocs = (label: string, expr: Fused['expr'], leafLocs: readonly Loc[], out: Loc): void => {
    const total = size(out.shape);
    if (total === 0) return;
    const binder = newBinder();
    const o = binder.view(out, true);
    const leaves = leafLocs.map((l) => binder.view(l));
    const { vec, vecBindings } = ewiseVectorizable(o, leaves);
    const groups = Math.ceil((vec ? total / 4 : total) / 256);
    call(label, ewiseShader, binder, { bindings: binder.bindings(vecBindings), wg: 256, gx: geometry(groups).gx, out: o, leaves, expr, vec }, groups);
  };

  const ctx: EmitContext = {
    vg,
    loc,
    physical,
    conv,
    gemv,
    constants: new Map(),
    writtenSlices: new Set(),
    binder: newBinder,
    call,
    fusedViews: (binder, f, shape, layout) => ({
      expr: f.expr,
      leaves: f.leaves.map((leaf) => {
        const v = binder.view(alignLoc(loc(leaf.value), leaf, shape));
        return layout === undefined ? v : canonical(v, layout);
      }),
    }),
    ewiseLocs,
    ewise: (label, f, out) =>
      ewiseLocs(
        label,
        f.expr,
        f.leaves.map((leaf) => alignLoc(loc(leaf.value), leaf, out.shape)),
        out,
      ),
    items(label, shader, binder, total, make) {
      if (total === 0) return;
      const groups = Math.ceil(total / 128);
      call(label, shader, binder, make({ bindings: [], wg: 128, gx: geometry(groups).gx }), groups);
    },
    withBindings: (binder, spec) => ({ ...spec, bindings: binder.bindings() }),
    image(binder, node) {
      const layout = node.outputs[0]!.layout! as 'NCHW' | 'NHWC';
      const xv = canonical(binder.view(loc(node.spec.inputs[0]!)), layout);
      const ov = canonical(binder.view(loc(node.spec.outputs[0]!), true), layout);
      return { layout, xv, ov };
    },
  };
  return { ctx, calls };
}

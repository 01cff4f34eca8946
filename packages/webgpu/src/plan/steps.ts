/**
 * The compile-time fusion pass: a validated graph becomes a list of steps, each one kernel (or
 * none). With fusion on:
 *   - chains of elementwise ops and merges become one expression (an `ewise` step): residual +
 *     bias, SE gate + residual, residual + activation, highway with its sigmoid, ... each one pass;
 *   - an expression consuming the only use of a conv2d/convTranspose2d/dense/matmul output becomes
 *     that kernel's epilogue (bias, batchNorm, relu, the residual add with the shortcut);
 *   - with `convPrologue`, an expression feeding only a conv2d input becomes its prologue
 *     (DenseNet's batchNorm + relu read straight from the concat buffer, so that temporary is never
 *     stored); off by default, since such a convolution was slower than storing the expression
 *     and running a plain one (see StepsOptions.convPrologue);
 *   - an expression feeding a layerNorm becomes its prologue (residual + layerNorm, post-LN), and
 *     when its value is also used elsewhere the layerNorm kernel stores it too (pre-LN).
 * A fusion is only taken when the kernel's storage bindings stay within the device's limit, and
 * an expression reading or writing int32 values is never an anchor's or a normalization's
 * prologue or epilogue: those kernels bind their operands as f32.
 * With fusion off every node is its own step (merges are still one kernel each).
 * What may fuse with what follows from each op's kind in the op table (./ops.ts).
 */
import { UnsupportedError, implementedOps, isUnsupported, shapesEqual, type OpType, type ValidatedGraph, type ValidatedNode, type ValidatedNodeOf, type WeightStore } from '@skipconn/core';
import { ExprBuilder } from '../kernels/expr';
import type { LowerContext } from './elementwise';
import { copyFused, type Fused, type Leaf } from './fused';
import { WEBGPU_OPS, webgpuOpKind } from './ops';

export { copyFused, type Fused, type Leaf };

interface StepBase {
  /** IR nodes this step covers, in order. */
  readonly nodes: readonly string[];
  /** Values written. */
  readonly outs: readonly string[];
}

/**
 * One kernel (or none). Besides 'ewise' (a fused expression), a step is one node of the op kind
 * that names it (./ops.ts), carrying what fusion attached to it.
 */
export type Step =
  | (StepBase & { readonly kind: 'ewise'; readonly fused: Fused })
  /** A linear or convolution kernel, with the expression its input goes through and the one its result goes through. */
  | (StepBase & { readonly kind: 'anchor'; readonly node: ValidatedNode; readonly pro?: Fused; readonly epi?: Fused })
  /** A row normalization; with a prologue, `outs[1]` (when present) is the prologue's value, stored too. */
  | (StepBase & { readonly kind: 'normalize'; readonly node: ValidatedNode; readonly pro?: Fused })
  | (StepBase & { readonly kind: 'standalone'; readonly node: ValidatedNode })
  /** Placement makes it a view of its input; it emits a copy only when that input is not dense. */
  | (StepBase & { readonly kind: 'view'; readonly node: ValidatedNode })
  /** Placement hosts its members in slices of its output; it copies in the rest. */
  | (StepBase & { readonly kind: 'concat'; readonly node: ValidatedNode; readonly centerCrop: boolean });

/** The steps that are one node each. */
export type NodeStep = Exclude<Step, { kind: 'ewise' }>;

/** The step of one kind. */
export type StepOf<S extends Step['kind']> = Extract<Step, { kind: S }>;

export type AnchorStep = StepOf<'anchor'>;

export interface StepsOptions {
  readonly fusion: boolean;
  /**
   * Fuse an expression feeding only a conv2d input into that convolution's input reads. It saves
   * storing the expression (a DenseNet block's arena becomes the sum of its feature maps, 1.000x
   * instead of about 1.9x) but needs the tiled kernel, which evaluates the expression on every
   * staged element: on an H100 a DenseNet block took 0.878 ms that way against 0.550 ms with
   * fusion off, so it is taken only when asked for.
   */
  readonly convPrologue: boolean;
  /** maxStorageBuffersPerShaderStage of the device. */
  readonly maxBindings: number;
}

export interface BuiltSteps {
  readonly steps: readonly Step[];
  /** Derived float32 constants (packed batchNorm parameters), by value name. */
  readonly constants: ReadonlyMap<string, Float32Array>;
}

/** Values every step reads. */
export function stepReads(step: Step): string[] {
  const fromFused = (f: Fused | undefined): string[] => (f === undefined ? [] : f.leaves.map((l) => l.value));
  switch (step.kind) {
    case 'ewise':
      return fromFused(step.fused);
    case 'normalize':
      return [...(step.pro === undefined ? [step.node.spec.inputs[0]!] : fromFused(step.pro)), ...step.node.spec.inputs.slice(1)];
    case 'anchor': {
      const inputs = step.pro === undefined ? step.node.spec.inputs : step.node.spec.inputs.slice(1);
      return [...inputs, ...fromFused(step.pro), ...fromFused(step.epi)];
    }
    default:
      return [...step.node.spec.inputs];
  }
}

/** Storage bindings of an anchor step without its epilogue, its output included. */
function anchorBindings(step: AnchorStep): Set<string> {
  const s = new Set<string>(stepReads({ ...step, epi: undefined }));
  s.add('#out');
  return s;
}

/** What the fusion pass needs of a node's entry in WEBGPU_OPS, its node-typed functions applied to the node. */
type FusionRole =
  | { readonly kind: 'elementwise'; readonly lower: (ctx: LowerContext) => number }
  | { readonly kind: 'anchor'; readonly prologue: boolean }
  | { readonly kind: 'normalize' | 'standalone' | 'view' }
  | { readonly kind: 'concat'; readonly centerCrop: boolean };

function fusionRole<K extends OpType>(node: ValidatedNodeOf<K>): FusionRole {
  const def = WEBGPU_OPS[node.type];
  if (isUnsupported(def)) throw new UnsupportedError(`op ${node.type} (${def.reason})`, { node: node.spec.name, op: node.type }, implementedOps(WEBGPU_OPS));
  switch (def.kind) {
    case 'elementwise':
      return { kind: 'elementwise', lower: (ctx) => def.lower(node, ctx) };
    case 'anchor':
      return { kind: 'anchor', prologue: def.prologue };
    case 'concat':
      return { kind: 'concat', centerCrop: def.centerCrop(node) };
    default:
      return { kind: def.kind };
  }
}

export function buildSteps(vg: ValidatedGraph, weights: WeightStore, options: StepsOptions): BuiltSteps {
  const uses = new Map<string, number>();
  for (const n of vg.nodes) for (const i of n.spec.inputs) uses.set(i, (uses.get(i) ?? 0) + 1);
  const outputs = new Set(vg.graph.outputs);
  const consumerPositions = new Map<string, number[]>();
  vg.nodes.forEach((n, idx) => n.spec.inputs.forEach((i) => consumerPositions.set(i, [...(consumerPositions.get(i) ?? []), idx])));
  const singleUse = (v: string): boolean => uses.get(v) === 1 && !outputs.has(v);
  const isInt32 = (v: string): boolean => vg.values.get(v)?.dtype === 'int32';
  /** Whether an expression computing `out` reads an int32 leaf or yields int32. */
  const touchesInt32 = (f: Fused, out: string): boolean => isInt32(out) || f.leaves.some((l) => isInt32(l.value));

  const placed: { step: Step; pos: number; dead: boolean }[] = [];
  const producer = new Map<string, (typeof placed)[number]>();
  const constants = new Map<string, Float32Array>();
  const place = (step: Step, pos: number): void => {
    const entry = { step, pos, dead: false };
    placed.push(entry);
    step.outs.forEach((o) => producer.set(o, entry));
  };
  /** The live step producing v when fusion may absorb it. */
  const absorbable = (v: string) => {
    if (!options.fusion || !singleUse(v)) return undefined;
    const p = producer.get(v);
    return p !== undefined && !p.dead && p.step.outs.length === 1 ? p : undefined;
  };

  type Entry = (typeof placed)[number];
  /** One elementwise node as an expression, inlining absorbable producers; no side effects. */
  const lowerElementwise = (node: ValidatedNode, lower: (ctx: LowerContext) => number, allowInline: boolean, allowAnchor: boolean) => {
    const eb = new ExprBuilder();
    const leaves: Leaf[] = [];
    const leafIndex = new Map<string, number>();
    const covered: string[] = [];
    const absorbed: Entry[] = [];
    let anchor: AnchorStep | undefined;
    let selfNode: number | undefined;
    const addLeaf = (l: Leaf): number => {
      const key = JSON.stringify(l);
      let i = leafIndex.get(key);
      if (i === undefined) {
        i = leaves.length;
        leaves.push(l);
        leafIndex.set(key, i);
      }
      return i;
    };
    const inline = (f: Fused): number => {
      const map = f.leaves.map(addLeaf);
      if (selfNode === undefined && f.expr.nodes.some((n) => n.k === 'self')) selfNode = eb.self();
      return eb.inline(f.expr, map, selfNode);
    };
    const ctx: LowerContext = {
      eb,
      weights,
      weightNames: vg.weightNames,
      arg(i, align) {
        const v = node.spec.inputs[i]!;
        const sameShape = (align.k === 'same' || align.k === 'numpy') && shapesEqual(vg.values.get(v)!.shape, node.outputs[0]!.shape);
        const p = sameShape && allowInline ? absorbable(v) : undefined;
        if (p !== undefined && !absorbed.includes(p)) {
          const s = p.step;
          if (s.kind === 'ewise') {
            absorbed.push(p);
            covered.push(...s.nodes);
            return inline(s.fused);
          }
          if (s.kind === 'anchor' && anchor === undefined && allowAnchor) {
            absorbed.push(p);
            anchor = { ...s, epi: undefined };
            covered.push(...s.nodes);
            if (selfNode === undefined) selfNode = eb.self();
            return s.epi === undefined ? selfNode : inline(s.epi);
          }
        }
        return eb.leaf(addLeaf({ value: v, align }));
      },
      leaf(value, align, slice) {
        return eb.leaf(addLeaf(slice === undefined ? { value, align } : { value, align, slice }));
      },
      constant(name, data) {
        constants.set(name, data);
        return name;
      },
    };
    const root = lower(ctx);
    const names = new Set<string>(leaves.map((l) => l.value));
    if (anchor !== undefined) anchorBindings(anchor).forEach((n) => names.add(n));
    else names.add('#out');
    return { fused: { expr: eb.build(root), leaves } as Fused, anchor, absorbed, nodes: [...covered, node.spec.name], bindings: names.size };
  };

  // Values feeding a normalization: their expression should stay a standalone step so the
  // normalization can take it as its prologue (residual + layerNorm), rather than become a dense epilogue.
  const feedsNormalization = new Set(vg.nodes.filter((n) => webgpuOpKind(n.type) === 'normalize').map((n) => n.spec.inputs[0]!));

  vg.nodes.forEach((node, idx) => {
    const role = fusionRole(node);
    const out = node.spec.outputs[0]!;
    const single = { node, nodes: [node.spec.name], outs: [...node.spec.outputs] };
    switch (role.kind) {
      case 'elementwise': {
        // Most fusion first; if the kernel would need too many storage bindings, less.
        for (const [allowInline, allowAnchor] of [
          [true, true],
          [true, false],
          [false, false],
        ] as const) {
          const r = lowerElementwise(node, role.lower, allowInline, allowAnchor && !feedsNormalization.has(out));
          if (r.bindings > options.maxBindings && allowInline) continue;
          if (r.anchor !== undefined && touchesInt32(r.fused, out)) continue;
          r.absorbed.forEach((p) => (p.dead = true));
          if (r.anchor !== undefined) place({ ...r.anchor, nodes: r.nodes, outs: [out], epi: r.fused }, idx);
          else place({ kind: 'ewise', nodes: r.nodes, outs: [out], fused: r.fused }, idx);
          return;
        }
        throw new Error(`internal: node '${node.spec.name}' was not lowered`);
      }
      case 'anchor': {
        const p = role.prologue && options.convPrologue ? absorbable(node.spec.inputs[0]!) : undefined;
        if (p !== undefined && p.step.kind === 'ewise' && !touchesInt32(p.step.fused, p.step.outs[0]!)) {
          const names = new Set([...p.step.fused.leaves.map((l) => l.value), ...node.spec.inputs.slice(1), '#out']);
          if (names.size <= options.maxBindings) {
            p.dead = true;
            place({ kind: 'anchor', node, nodes: [...p.step.nodes, node.spec.name], outs: [out], pro: p.step.fused }, idx);
            return;
          }
        }
        place({ kind: 'anchor', node, nodes: [node.spec.name], outs: [out] }, idx);
        return;
      }
      case 'normalize': {
        const x = node.spec.inputs[0]!;
        const p = options.fusion ? producer.get(x) : undefined;
        if (p !== undefined && !p.dead && p.step.kind === 'ewise' && !touchesInt32(p.step.fused, x) && shapesEqual(vg.values.get(x)!.shape, node.outputs[0]!.shape)) {
          const others = (consumerPositions.get(x) ?? []).filter((q) => q !== idx);
          const keep = others.length > 0 || outputs.has(x);
          const later = others.every((q) => q > idx);
          const names = new Set([...p.step.fused.leaves.map((l) => l.value), ...node.spec.inputs.slice(1), '#out', ...(keep ? ['#out2'] : [])]);
          if (later && names.size <= options.maxBindings && (uses.get(x) ?? 0) === others.length + 1) {
            p.dead = true;
            place({ kind: 'normalize', node, nodes: [...p.step.nodes, node.spec.name], outs: keep ? [out, x] : [out], pro: p.step.fused }, idx);
            return;
          }
        }
        place({ kind: 'normalize', node, nodes: [node.spec.name], outs: [out] }, idx);
        return;
      }
      case 'standalone':
        place({ kind: 'standalone', ...single }, idx);
        return;
      case 'view':
        place({ kind: 'view', ...single }, idx);
        return;
      case 'concat':
        place({ kind: 'concat', ...single, centerCrop: role.centerCrop }, idx);
        return;
    }
  });

  const steps = placed
    .filter((p) => !p.dead)
    .sort((a, b) => a.pos - b.pos)
    .map((p) => p.step);
  return { steps, constants };
}

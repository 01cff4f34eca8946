/**
 * The compile-time fusion pass: a validated graph becomes a list of steps, each one kernel (or
 * none). With fusion on:
 *   - chains of elementwise ops and merges become one expression (an `ewise` step): residual +
 *     bias, SE gate + residual, residual + activation, highway with its sigmoid, ... each one pass;
 *   - an expression consuming the only use of a conv2d/convTranspose2d/dense/matmul output becomes
 *     that kernel's epilogue (bias, batchNorm, relu, the residual add with the shortcut);
 *   - an expression feeding only a conv2d input becomes its prologue (DenseNet's batchNorm + relu
 *     read straight from the concat buffer, so that temporary is never stored);
 *   - an expression feeding a layerNorm becomes its prologue (residual + layerNorm, post-LN), and
 *     when its value is also used elsewhere the layerNorm kernel stores it too (pre-LN).
 * A fusion is only taken when the kernel's storage bindings stay within the device's limit.
 * With fusion off every node is its own step (merges are still one kernel each).
 */
import { shapesEqual, type ValidatedGraph, type ValidatedNode, type WeightStore } from '@skipconn/core';
import { ExprBuilder, type Expr } from '../kernels/expr';
import { ELEMENTWISE_BY_OP, SAME, type Align, type ElementwiseLowering, type LowerContext } from './elementwise';

export interface Leaf {
  readonly value: string;
  readonly align: Align;
  /** A sub-range [offset, offset + length) of a 1-D value (packed constants). */
  readonly slice?: { readonly offset: number; readonly length: number };
}

/** An expression with the leaves its indices refer to. */
export interface Fused {
  readonly expr: Expr;
  readonly leaves: readonly Leaf[];
}

interface StepBase {
  /** IR nodes this step covers, in order. */
  readonly nodes: readonly string[];
  /** Values written. */
  readonly outs: readonly string[];
}

export type AnchorKind = 'conv2d' | 'convTranspose2d' | 'dense' | 'matmul';

export type Step =
  | (StepBase & { readonly kind: 'ewise'; readonly fused: Fused })
  | (StepBase & { readonly kind: AnchorKind; readonly node: ValidatedNode; readonly pro?: Fused; readonly epi?: Fused })
  | (StepBase & { readonly kind: 'layerNorm'; readonly node: ValidatedNode; readonly pro?: Fused })
  | (StepBase & { readonly kind: 'op'; readonly node: ValidatedNode })
  | (StepBase & { readonly kind: 'alias'; readonly node: ValidatedNode })
  | (StepBase & { readonly kind: 'concat'; readonly node: ValidatedNode });

export type AnchorStep = Extract<Step, { kind: AnchorKind }>;

export interface StepsOptions {
  readonly fusion: boolean;
  /** maxStorageBuffersPerShaderStage of the device. */
  readonly maxBindings: number;
}

export interface BuiltSteps {
  readonly steps: readonly Step[];
  /** Derived float32 constants (packed batchNorm parameters), by value name. */
  readonly constants: ReadonlyMap<string, Float32Array>;
}

const ANCHORS = new Set<string>(['conv2d', 'convTranspose2d', 'dense', 'matmul']);

/** Values every step reads. */
export function stepReads(step: Step): string[] {
  const fromFused = (f: Fused | undefined): string[] => (f === undefined ? [] : f.leaves.map((l) => l.value));
  switch (step.kind) {
    case 'ewise': return fromFused(step.fused);
    case 'layerNorm': return [...(step.pro === undefined ? [step.node.spec.inputs[0]!] : fromFused(step.pro)), ...step.node.spec.inputs.slice(1)];
    case 'conv2d':
    case 'convTranspose2d':
    case 'dense':
    case 'matmul': {
      const inputs = step.pro === undefined ? step.node.spec.inputs : step.node.spec.inputs.slice(1);
      return [...inputs, ...fromFused(step.pro), ...fromFused(step.epi)];
    }
    default: return [...step.node.spec.inputs];
  }
}

/** Storage bindings of an anchor step without its epilogue, its output included. */
function anchorBindings(step: AnchorStep): Set<string> {
  const s = new Set<string>(stepReads({ ...step, epi: undefined }));
  s.add('#out');
  return s;
}

export function buildSteps(vg: ValidatedGraph, weights: WeightStore, options: StepsOptions): BuiltSteps {
  const uses = new Map<string, number>();
  for (const n of vg.nodes) for (const i of n.spec.inputs) uses.set(i, (uses.get(i) ?? 0) + 1);
  const outputs = new Set(vg.graph.outputs);
  const consumerPositions = new Map<string, number[]>();
  vg.nodes.forEach((n, idx) => n.spec.inputs.forEach((i) => consumerPositions.set(i, [...(consumerPositions.get(i) ?? []), idx])));
  const singleUse = (v: string): boolean => uses.get(v) === 1 && !outputs.has(v);

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
  const lowerElementwise = (node: ValidatedNode, lowering: ElementwiseLowering, allowInline: boolean, allowAnchor: boolean) => {
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
          if (ANCHORS.has(s.kind) && anchor === undefined && allowAnchor) {
            const a = s as AnchorStep;
            absorbed.push(p);
            anchor = { ...a, epi: undefined };
            covered.push(...a.nodes);
            if (selfNode === undefined) selfNode = eb.self();
            return a.epi === undefined ? selfNode : inline(a.epi);
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
    const root = lowering.lower(node, ctx);
    const names = new Set<string>(leaves.map((l) => l.value));
    if (anchor !== undefined) anchorBindings(anchor).forEach((n) => names.add(n));
    else names.add('#out');
    return { fused: { expr: eb.build(root), leaves } as Fused, anchor, absorbed, nodes: [...covered, node.spec.name], bindings: names.size };
  };

  // Values feeding a layerNorm: their expression should stay a standalone step so the layerNorm
  // can take it as its prologue (residual + layerNorm), rather than become a dense epilogue.
  const feedsLayerNorm = new Set(vg.nodes.filter((n) => n.spec.op === 'layerNorm').map((n) => n.spec.inputs[0]!));

  vg.nodes.forEach((node, idx) => {
    const op = node.spec.op;
    const out = node.spec.outputs[0]!;
    const lowering = ELEMENTWISE_BY_OP.get(op);
    if (lowering !== undefined) {
      // Most fusion first; if the kernel would need too many storage bindings, less.
      for (const [allowInline, allowAnchor] of [[true, true], [true, false], [false, false]] as const) {
        const r = lowerElementwise(node, lowering, allowInline, allowAnchor && !feedsLayerNorm.has(out));
        if (r.bindings > options.maxBindings && allowInline) continue;
        r.absorbed.forEach((p) => (p.dead = true));
        if (r.anchor !== undefined) place({ ...r.anchor, nodes: r.nodes, outs: [out], epi: r.fused }, idx);
        else place({ kind: 'ewise', nodes: r.nodes, outs: [out], fused: r.fused }, idx);
        return;
      }
    }
    if (ANCHORS.has(op)) {
      let pro: Fused | undefined;
      const x = node.spec.inputs[0]!;
      const p = op === 'conv2d' ? absorbable(x) : undefined;
      if (p !== undefined && p.step.kind === 'ewise') {
        const names = new Set([...p.step.fused.leaves.map((l) => l.value), ...node.spec.inputs.slice(1), '#out']);
        if (names.size <= options.maxBindings) {
          p.dead = true;
          pro = p.step.fused;
          place({ kind: op as AnchorKind, node, nodes: [...p.step.nodes, node.spec.name], outs: [out], pro }, idx);
          return;
        }
      }
      place({ kind: op as AnchorKind, node, nodes: [node.spec.name], outs: [out] }, idx);
      return;
    }
    if (op === 'layerNorm') {
      const x = node.spec.inputs[0]!;
      const p = options.fusion ? producer.get(x) : undefined;
      if (p !== undefined && !p.dead && p.step.kind === 'ewise' && shapesEqual(vg.values.get(x)!.shape, node.outputs[0]!.shape)) {
        const others = (consumerPositions.get(x) ?? []).filter((q) => q !== idx);
        const keep = others.length > 0 || outputs.has(x);
        const later = others.every((q) => q > idx);
        const names = new Set([...p.step.fused.leaves.map((l) => l.value), ...node.spec.inputs.slice(1), '#out', ...(keep ? ['#out2'] : [])]);
        if (later && names.size <= options.maxBindings && (uses.get(x) ?? 0) === others.length + 1) {
          p.dead = true;
          place({ kind: 'layerNorm', node, nodes: [...p.step.nodes, node.spec.name], outs: keep ? [out, x] : [out], pro: p.step.fused }, idx);
          return;
        }
      }
      place({ kind: 'layerNorm', node, nodes: [node.spec.name], outs: [out] }, idx);
      return;
    }
    const kind = op === 'reshape' || op === 'flatten' ? 'alias' : op === 'concat' ? 'concat' : 'op';
    place({ kind, node, nodes: [node.spec.name], outs: [...node.spec.outputs] }, idx);
  });

  const steps = placed.filter((p) => !p.dead).sort((a, b) => a.pos - b.pos).map((p) => p.step);
  return { steps, constants };
}

/** A one-leaf copy expression (concat members, materialized outputs, strided reshapes). */
export function copyFused(value: string, align: Align = SAME): Fused {
  const eb = new ExprBuilder();
  return { expr: eb.build(eb.leaf(0)), leaves: [{ value, align }] };
}

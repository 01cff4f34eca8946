/**
 * The layout pass. tfjs convolution and pooling are NHWC only, while ONNX-derived graphs are
 * NCHW. Instead of a transpose around every op, each value gets one physical storage (logical
 * order, or channels-last for NCHW values), chosen once at compile time:
 *
 * 1. Backward: a value "wants channels-last" when a consumer needs it that way (conv, pooling),
 *    or when a 'follow' consumer (elementwise, merges, norms, ...) produces a value that does.
 * 2. Forward: NCHW graph inputs that want it are transposed once on entry; channels-last kernels
 *    produce channels-last; a 'follow' node takes channels-last when its output wants it or when
 *    most of its inputs already are; 'logical' nodes (flatten, reshape, dense, matmul) get their
 *    inputs back in logical order. Graph outputs are returned in logical order.
 *
 * Every change of storage is a Conversion, computed once per (value, storage) and shared by all
 * consumers. A conversion that only moves size-1 axes is a reshape (no copy), so a ResNet head
 * (globalAvgPool -> flatten -> dense) costs no transpose. Conversions of weights run at compile
 * time. The plan is pure data, so tests count transposes without running anything.
 */
import { UnsupportedError, isUnsupported, type OpType, type Unsupported, type ValidatedGraph, type ValidatedNode, type ValidatedNodeOf, type ValueInfo } from '@skipconn/core';
import type { InputRole, LayoutPolicy } from '../kernels/kernel';
import { CHANNELS_LAST, identityPerm, isIdentity, permEquals, physicalShape, relativePerm, transposeIsReshape, type Perm } from './perm';

/** How a consumer reads a value: expanded to `rank` with leading 1s, then stored under `perm`. */
export interface View {
  readonly perm: Perm;
  readonly rank: number;
}

export type ConvertStep = { readonly kind: 'transpose'; readonly perm: readonly number[] } | { readonly kind: 'reshape'; readonly shape: readonly number[] };

export interface Conversion {
  /** Key of the converted tensor in the run environment. */
  readonly key: string;
  /** Key of the tensor it starts from. */
  readonly from: string;
  readonly value: string;
  readonly view: View;
  readonly steps: readonly ConvertStep[];
  /** A weight's conversion, done once at compile time. */
  readonly constant: boolean;
  /** Where it happens: on entry of a graph input, before a node, or on a graph output. */
  readonly site: 'input' | 'node' | 'output';
}

/** A node of op K in the plan: what it reads, and the storage of its inputs and outputs. */
export interface PlannedNodeOf<out K extends OpType> extends PlannedStorage {
  readonly node: ValidatedNodeOf<K>;
}

/** A planned node of any op; `node.type` narrows its node (and with it the attrs). */
export interface PlannedNode extends PlannedStorage {
  readonly node: ValidatedNode;
}

interface PlannedStorage {
  /** Conversions first needed by this node; they run just before it. */
  readonly convert: readonly Conversion[];
  /** Environment keys of the tensors passed to the kernel, in input order. */
  readonly inputKeys: readonly string[];
  readonly inputPerms: readonly Perm[];
  readonly inputShapes: readonly (readonly number[])[];
  readonly outputPerms: readonly Perm[];
  readonly outputShapes: readonly (readonly number[])[];
}

export interface LayoutPlan {
  /** Storage of every value as first produced (graph inputs after their entry conversion). */
  readonly storage: ReadonlyMap<string, Perm>;
  /** Environment key of each graph input's stored tensor (its own name unless converted on entry). */
  readonly inputs: readonly { readonly name: string; readonly key: string }[];
  /** Entry conversions of graph inputs. */
  readonly entry: readonly Conversion[];
  readonly nodes: readonly PlannedNode[];
  /** Environment key of each graph output in logical order. */
  readonly outputs: readonly { readonly name: string; readonly key: string }[];
  /** Conversions of graph outputs back to logical order. */
  readonly exit: readonly Conversion[];
  /** Every conversion (entry, per node, exit), weights' included. */
  readonly conversions: readonly Conversion[];
}

/**
 * The layout policy of an op: undefined for an op the caller has no entry for, or a table's
 * `unsupported(reason)` entry, whose reason the planner's error quotes.
 */
export type PolicyLookup = (op: string) => LayoutPolicy | Unsupported | undefined;

/** Run-time transposes of a plan (weight conversions happen at compile time and are not counted). */
export function countRuntimeTransposes(plan: LayoutPlan): { input: number; node: number; output: number; total: number } {
  const counts = { input: 0, node: 0, output: 0, total: 0 };
  for (const c of plan.conversions) {
    if (c.constant) continue;
    const n = c.steps.filter((s) => s.kind === 'transpose').length;
    counts[c.site] += n;
    counts.total += n;
  }
  return counts;
}

/** Storage that puts channels last for a value: CHANNELS_LAST for NCHW, logical otherwise. */
export function channelsLastPerm(info: ValueInfo): Perm {
  return info.layout === 'NCHW' ? CHANNELS_LAST : identityPerm(info.shape.length);
}

/** Steps that turn a tensor of logical `shape` stored under `from` into `view`. */
export function conversionSteps(shape: readonly number[], from: Perm, view: View): ConvertStep[] {
  const steps: ConvertStep[] = [];
  const move = (physical: readonly number[], rel: readonly number[]): void => {
    if (isIdentity(rel)) return;
    steps.push(transposeIsReshape(physical, rel) ? { kind: 'reshape', shape: physicalShape(physical, rel) } : { kind: 'transpose', perm: [...rel] });
  };
  let logical = [...shape];
  let perm = from;
  if (view.rank > shape.length) {
    move(physicalShape(logical, perm), relativePerm(perm, identityPerm(logical.length)));
    logical = [...new Array<number>(view.rank - shape.length).fill(1), ...logical];
    steps.push({ kind: 'reshape', shape: logical });
    perm = identityPerm(view.rank);
  }
  move(physicalShape(logical, perm), relativePerm(perm, view.perm));
  // Consecutive reshapes collapse into the last one.
  return steps.filter((s, i) => !(s.kind === 'reshape' && steps[i + 1]?.kind === 'reshape'));
}

function viewKey(value: string, view: View): string {
  return `${value}@${view.rank}:${view.perm.join(',')}`;
}

export function planLayouts(vg: ValidatedGraph, policyOf: PolicyLookup, supported: readonly string[] = []): LayoutPlan {
  const policies = new Map<ValidatedNode, LayoutPolicy>();
  for (const node of vg.nodes) {
    const policy = policyOf(node.spec.op);
    if (policy === undefined || isUnsupported(policy)) {
      const why = policy === undefined ? '' : ` (${policy.reason})`;
      throw new UnsupportedError(`op '${node.spec.op}'${why}`, { node: node.spec.name, op: node.spec.op }, supported);
    }
    policies.set(node, policy);
  }
  const info = (name: string): ValueInfo => vg.values.get(name)!;
  const roleOf = (node: ValidatedNode, i: number): InputRole => policies.get(node)!.inputRole?.(i, node) ?? 'data';
  const clAllowed = (node: ValidatedNode): boolean => node.outputs[0]?.layout === 'NCHW';
  /** Does input i of a follow node move with the node's storage? */
  const follows = (node: ValidatedNode, i: number): boolean => roleOf(node, i) !== 'param' && node.inputs[i]!.shape.length === node.outputs[0]!.shape.length;

  // 1. Backward: which values want channels-last storage.
  const consumers = new Map<string, { node: ValidatedNode; index: number }[]>();
  for (const node of vg.nodes) {
    node.spec.inputs.forEach((name, index) => {
      const list = consumers.get(name) ?? [];
      list.push({ node, index });
      consumers.set(name, list);
    });
  }
  const wantsCL = new Map<string, boolean>();
  for (const node of [...vg.nodes].reverse()) {
    for (const name of node.spec.outputs) wantsCL.set(name, computeWant(name));
  }
  for (const input of vg.graph.inputs) wantsCL.set(input.name, computeWant(input.name));
  function computeWant(name: string): boolean {
    return (consumers.get(name) ?? []).some(({ node, index }) => {
      const placement = policies.get(node)!.placement;
      if (placement === 'channelsLast') return index === 0 && info(name).layout === 'NCHW';
      if (placement === 'follow') return clAllowed(node) && follows(node, index) && wantsCL.get(node.spec.outputs[0]!) === true;
      return false;
    });
  }

  // 2. Forward: storage of every value, conversions where storage must change.
  const stored = new Map<string, { key: string; perm: Perm }>();
  const storage = new Map<string, Perm>();
  const conversions: Conversion[] = [];
  const byKey = new Map<string, Conversion>();

  const read = (value: string, view: View, site: Conversion['site']): string => {
    const src = stored.get(value)!;
    const shape = info(value).shape;
    if (view.rank === shape.length && permEquals(src.perm, view.perm)) return src.key;
    const key = viewKey(value, view);
    if (!byKey.has(key)) {
      const conv: Conversion = { key, from: src.key, value, view, steps: conversionSteps(shape, src.perm, view), constant: vg.weightNames.has(value), site };
      byKey.set(key, conv);
      conversions.push(conv);
    }
    return key;
  };
  const logicalView = (value: string): View => ({ perm: identityPerm(info(value).shape.length), rank: info(value).shape.length });

  for (const w of vg.weightNames) {
    stored.set(w, { key: w, perm: identityPerm(info(w).shape.length) });
    storage.set(w, identityPerm(info(w).shape.length));
  }
  const inputs = vg.graph.inputs.map((input) => {
    const logical = identityPerm(input.shape.length);
    stored.set(input.name, { key: input.name, perm: logical });
    const perm = input.layout === 'NCHW' && wantsCL.get(input.name) ? CHANNELS_LAST : logical;
    const key = read(input.name, { perm, rank: input.shape.length }, 'input');
    stored.set(input.name, { key, perm });
    storage.set(input.name, perm);
    return { name: input.name, key };
  });
  const entry = conversions.slice();

  const nodes: PlannedNode[] = vg.nodes.map((node) => {
    const placement = policies.get(node)!.placement;
    const out = node.outputs[0]!;
    const outRank = out.shape.length;
    let views: View[];
    let outPerm: Perm;
    switch (placement) {
      case 'logical':
        views = node.spec.inputs.map(logicalView);
        outPerm = identityPerm(outRank);
        break;
      case 'channelsLast':
        views = node.spec.inputs.map((name, i) => (i === 0 ? { perm: channelsLastPerm(info(name)), rank: info(name).shape.length } : logicalView(name)));
        outPerm = channelsLastPerm(out);
        break;
      case 'any':
        views = node.spec.inputs.map((name) => ({ perm: stored.get(name)!.perm, rank: info(name).shape.length }));
        outPerm = clAllowed(node) && wantsCL.get(node.spec.outputs[0]!) ? CHANNELS_LAST : identityPerm(outRank);
        break;
      case 'follow': {
        let useCL = false;
        if (clAllowed(node)) {
          let cl = 0;
          let logical = 0;
          node.spec.inputs.forEach((name, i) => {
            if (!follows(node, i) || vg.weightNames.has(name)) return;
            if (permEquals(stored.get(name)!.perm, CHANNELS_LAST)) cl++;
            else logical++;
          });
          useCL = wantsCL.get(node.spec.outputs[0]!) === true || cl > logical;
        }
        outPerm = useCL ? CHANNELS_LAST : identityPerm(outRank);
        views = node.spec.inputs.map((name, i) => {
          const role = roleOf(node, i);
          if (role === 'param') return logicalView(name);
          if (role === 'broadcast') return { perm: outPerm, rank: outRank };
          return follows(node, i) ? { perm: outPerm, rank: outRank } : logicalView(name);
        });
        break;
      }
    }
    const before = conversions.length;
    const inputKeys = node.spec.inputs.map((name, i) => read(name, views[i]!, 'node'));
    const inputShapes = node.spec.inputs.map((name, i) => {
      const v = views[i]!;
      const shape = info(name).shape;
      const expanded = [...new Array<number>(v.rank - shape.length).fill(1), ...shape];
      return physicalShape(expanded, v.perm);
    });
    const outputPerms = node.outputs.map((o, i) => (i === 0 ? outPerm : identityPerm(o.shape.length)));
    node.spec.outputs.forEach((name, i) => {
      stored.set(name, { key: name, perm: outputPerms[i]! });
      storage.set(name, outputPerms[i]!);
    });
    return {
      node,
      convert: conversions.slice(before),
      inputKeys,
      inputPerms: views.map((v) => v.perm),
      inputShapes,
      outputPerms,
      outputShapes: node.outputs.map((o, i) => physicalShape(o.shape, outputPerms[i]!)),
    };
  });

  const beforeExit = conversions.length;
  const outputs = vg.graph.outputs.map((name) => ({ name, key: read(name, logicalView(name), 'output') }));
  return { storage, inputs, entry, nodes, outputs, exit: conversions.slice(beforeExit), conversions };
}

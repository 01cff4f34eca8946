/**
 * Skip analysis. A skip connection is a merge node whose data inputs fork from one value: the
 * merge joins a short path (often the identity) with a longer body that it bypasses.
 *
 *   from  = the latest value that every data input of the merge depends on (the fork)
 *   to    = the merge's output
 *   span  = the number of nodes on the longest path from `from` to the merge (merge excluded)
 *   bypassed = every node on some path from `from` to the merge
 *
 * Merges whose inputs share no ancestor (two independent graph inputs) are not skips, and neither
 * is a concat of slices of one value (a roll or a reordering of that value).
 * Works on any validated graph, including imported ones.
 */
import { IndexHeap } from './heap';
import type { ValidatedGraph, ValidatedNode } from './validate';

export interface SkipConnection {
  /** The merge op: residual, concat, highway or gate. */
  readonly kind: string;
  /** The merge node's name. */
  readonly merge: string;
  readonly from: string;
  readonly to: string;
  readonly span: number;
  /** Bypassed node names, in topological order. */
  readonly bypassed: readonly string[];
  /** Node names on the shortcut path (residual: empty for an identity shortcut). */
  readonly shortcut: readonly string[];
  /** Human-readable variant, e.g. "identity shortcut, relu" or "3 inputs, center crop". */
  readonly detail: string;
}

/** Data inputs of a merge (learned scales are weights, not paths). */
function dataInputs(node: ValidatedNode): readonly string[] {
  return node.spec.op === 'residual' ? node.spec.inputs.slice(0, 2) : node.spec.inputs;
}

function describe(node: ValidatedNode, shortcut: readonly string[]): string {
  const parts: string[] = [];
  switch (node.type) {
    case 'residual': {
      const a = node.attrs;
      parts.push(shortcut.length === 0 ? 'identity shortcut' : `projection shortcut (${shortcut.join(', ')})`);
      if (a.alpha !== 1) parts.push(`alpha ${a.alpha}`);
      if (a.beta !== 1) parts.push(`beta ${a.beta}`);
      if (a.activation !== 'none') parts.push(a.activation);
      if (a.stochasticDepth) parts.push(`stochastic depth p=${a.stochasticDepth.survivalProb} ${a.stochasticDepth.convention}`);
      break;
    }
    case 'concat':
      parts.push(`${node.spec.inputs.length} inputs`);
      if (node.attrs.crop === 'center') parts.push('center crop');
      break;
    case 'highway':
      parts.push(`${node.attrs.carry} carry`);
      break;
    case 'gate':
      parts.push(node.attrs.broadcast.length ? `broadcast over ${node.attrs.broadcast.join(', ')}` : 'no broadcast');
      break;
  }
  return parts.join(', ');
}

/** Ops that move or relabel values without computing: looked through when tracing a concat input. */
const VIEW_OPS: ReadonlySet<string> = new Set(['reshape', 'flatten', 'transpose']);

/**
 * A concat of slices of one value only rearranges that value (torch.roll is two slices and a
 * concat; a concat on a non-channel axis imports with reshapes or transposes around it): no
 * branch computes anything, so nothing is bypassed and it is not a skip.
 */
function isRearrangement(vg: ValidatedGraph, node: ValidatedNode): boolean {
  if (node.type !== 'concat') return false;
  const sources = node.spec.inputs.map((v) => {
    let producer = vg.producers.get(v);
    while (producer !== undefined && VIEW_OPS.has(producer.type)) producer = vg.producers.get(producer.spec.inputs[0]!);
    return producer?.type === 'slice' ? producer.spec.inputs[0] : undefined;
  });
  return sources.every((s) => s !== undefined && s === sources[0]);
}

/**
 * O(nodes + edges) overall for graphs whose skips are local: nothing is computed for nodes that
 * are not merges, and each merge searches backwards only until its fork (see forkOf).
 */
export function findSkips(vg: ValidatedGraph): SkipConnection[] {
  // Every value gets an id in topological order: graph inputs and weights first, then node
  // outputs in the validated order. "Latest" below means the largest id.
  const ids = new Map<string, number>();
  for (const i of vg.graph.inputs) ids.set(i.name, ids.size);
  for (const w of vg.graph.weights) ids.set(w.name, ids.size);
  const nodeIndex = new Map<ValidatedNode, number>();
  vg.nodes.forEach((n, idx) => {
    nodeIndex.set(n, idx);
    for (const o of n.spec.outputs) ids.set(o, ids.size);
  });

  const skips: SkipConnection[] = [];
  for (const node of vg.nodes) {
    if (node.op.category !== 'merge' || isRearrangement(vg, node)) continue;
    const inputs = dataInputs(node);
    const fork = forkOf(vg, ids, inputs);
    if (fork === undefined) continue;
    const { from, reaches } = fork;

    // Nodes strictly between `from` and the merge: they depend on `from` and feed a data input.
    // Every such value was visited by the search (it lies after `from` and reaches an input).
    const fromId = ids.get(from)!;
    const candidates = [...reaches.keys()].filter((v) => ids.get(v)! > fromId).sort((a, b) => ids.get(a)! - ids.get(b)!);
    const dependsOnFrom = new Set<string>([from]);
    for (const v of candidates) {
      const producer = vg.producers.get(v);
      if (producer !== undefined && producer.spec.inputs.some((i) => dependsOnFrom.has(i))) dependsOnFrom.add(v);
    }
    const regionSet = new Set<ValidatedNode>();
    for (const v of candidates) {
      const producer = vg.producers.get(v);
      if (producer !== undefined && producer !== node && dependsOnFrom.has(v)) regionSet.add(producer);
    }
    const region = [...regionSet].sort((a, b) => nodeIndex.get(a)! - nodeIndex.get(b)!);
    const depth = new Map<string, number>([[from, 0]]);
    for (const n of region) {
      let d = -Infinity;
      for (const i of n.spec.inputs) d = Math.max(d, depth.get(i) ?? -Infinity);
      n.spec.outputs.forEach((o) => depth.set(o, d + 1));
    }
    let span = 0;
    for (const i of inputs) span = Math.max(span, depth.get(i) ?? 0);
    // The shortcut path: region nodes that feed the merge's first input.
    const shortcut = node.spec.op === 'residual' ? region.filter((n) => n.spec.outputs.some((o) => ((reaches.get(o) ?? 0n) & 1n) === 1n)).map((n) => n.spec.name) : [];
    skips.push({
      kind: node.spec.op,
      merge: node.spec.name,
      from,
      to: node.spec.outputs[0]!,
      span,
      bypassed: region.map((n) => n.spec.name),
      shortcut,
      detail: describe(node, shortcut),
    });
  }
  return skips;
}

/**
 * The fork of a merge: the latest value that every data input depends on (itself included;
 * weights are not paths). Searches backwards from the inputs, latest value first, marking each
 * value with the set of inputs it reaches (a bit mask); values are final when they are taken,
 * because everything that reaches them is later. The first value that reaches every input is
 * the fork, so the search covers only the values after it (plus the frontier).
 * `reaches` holds the mask of every value taken, for the region and the shortcut.
 */
function forkOf(vg: ValidatedGraph, ids: ReadonlyMap<string, number>, inputs: readonly string[]): { from: string; reaches: Map<string, bigint> } | undefined {
  const all = (1n << BigInt(inputs.length)) - 1n;
  const reaches = new Map<string, bigint>();
  const pending = new Map<string, bigint>();
  const byId = new Map<number, string>();
  const heap = new IndexHeap(); // holds -id: the latest value comes out first
  const add = (value: string, mask: bigint): void => {
    if (vg.weightNames.has(value)) return;
    const prior = pending.get(value);
    if (prior !== undefined) {
      pending.set(value, prior | mask);
      return;
    }
    pending.set(value, mask);
    const id = ids.get(value)!;
    byId.set(id, value);
    heap.push(-id);
  };
  inputs.forEach((v, k) => add(v, 1n << BigInt(k)));
  while (heap.size > 0) {
    const value = byId.get(-heap.pop())!;
    const mask = pending.get(value)!;
    reaches.set(value, mask);
    if (mask === all) return { from: value, reaches };
    const producer = vg.producers.get(value);
    if (producer !== undefined) for (const i of producer.spec.inputs) add(i, mask);
  }
  return undefined;
}

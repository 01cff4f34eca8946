/**
 * Skip analysis. A skip connection is a merge node whose data inputs fork from one value: the
 * merge joins a short path (often the identity) with a longer body that it bypasses.
 *
 *   from  = the latest value that every data input of the merge depends on (the fork)
 *   to    = the merge's output
 *   span  = the number of nodes on the longest path from `from` to the merge (merge excluded)
 *   bypassed = every node on some path from `from` to the merge
 *
 * Merges whose inputs share no ancestor (two independent graph inputs) are not skips.
 * Works on any validated graph, including imported ones.
 */
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
  const a = node.attrs as Record<string, any>;
  const parts: string[] = [];
  switch (node.spec.op) {
    case 'residual': {
      parts.push(shortcut.length === 0 ? 'identity shortcut' : `projection shortcut (${shortcut.join(', ')})`);
      if (a['alpha'] !== 1) parts.push(`alpha ${a['alpha']}`);
      if (a['beta'] !== 1) parts.push(`beta ${a['beta']}`);
      if (a['activation'] !== 'none') parts.push(a['activation']);
      if (a['stochasticDepth']) parts.push(`stochastic depth p=${a['stochasticDepth'].survivalProb} ${a['stochasticDepth'].convention}`);
      break;
    }
    case 'concat':
      parts.push(`${node.spec.inputs.length} inputs`);
      if (a['crop'] === 'center') parts.push('center crop');
      break;
    case 'highway':
      parts.push(`${a['carry']} carry`);
      break;
    case 'gate':
      parts.push(a['broadcast'].length ? `broadcast over ${a['broadcast'].join(', ')}` : 'no broadcast');
      break;
  }
  return parts.join(', ');
}

export function findSkips(vg: ValidatedGraph): SkipConnection[] {
  const position = new Map<string, number>();
  vg.graph.inputs.forEach((i) => position.set(i.name, -1));
  vg.nodes.forEach((n, idx) => n.spec.outputs.forEach((o) => position.set(o, idx)));

  // Ancestor values of each value (itself included), weights excluded: shared weights are not paths.
  const ancestors = new Map<string, Set<string>>();
  const ancestorsOf = (value: string): Set<string> => {
    const cached = ancestors.get(value);
    if (cached) return cached;
    const set = new Set<string>([value]);
    const producer = vg.producers.get(value);
    if (producer) {
      for (const input of producer.spec.inputs) {
        if (!vg.weightNames.has(input)) ancestorsOf(input).forEach((v) => set.add(v));
      }
    }
    ancestors.set(value, set);
    return set;
  };
  // Values are visited in topological order, so the recursion above stays shallow.
  vg.nodes.forEach((n) => n.spec.outputs.forEach(ancestorsOf));

  const skips: SkipConnection[] = [];
  for (const node of vg.nodes) {
    if (node.op.category !== 'merge') continue;
    const inputs = dataInputs(node);
    const sets = inputs.map(ancestorsOf);
    const common = [...sets[0]!].filter((v) => sets.every((s) => s.has(v)));
    if (common.length === 0) continue;
    const from = common.reduce((best, v) => (position.get(v)! > position.get(best)! ? v : best));

    // Nodes strictly between `from` and the merge: they depend on `from` and feed a data input.
    const feeding = new Set<string>();
    sets.forEach((s) => s.forEach((v) => feeding.add(v)));
    const region: ValidatedNode[] = vg.nodes.filter(
      (n) => n !== node && n.spec.outputs.some((o) => feeding.has(o) && o !== from && ancestorsOf(o).has(from)),
    );
    const depth = new Map<string, number>([[from, 0]]);
    for (const n of region) {
      const d = 1 + Math.max(...n.spec.inputs.map((i) => depth.get(i) ?? -Infinity));
      n.spec.outputs.forEach((o) => depth.set(o, d));
    }
    const span = Math.max(0, ...inputs.map((i) => depth.get(i) ?? 0));
    const shortcutSet = ancestorsOf(inputs[0]!);
    const shortcut = node.spec.op === 'residual' ? region.filter((n) => n.spec.outputs.some((o) => shortcutSet.has(o))).map((n) => n.spec.name) : [];
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

/**
 * The IR graph an import builds: inputs, weights and nodes, with every value's info inferred by
 * core's own shape inference as the node is added (so an error names the node at once), plus the
 * ancestry queries that decide whether a merge joins forking paths (a skip connection).
 */
import {
  GRAPH_FORMAT,
  GRAPH_VERSION,
  getOp,
  type Attrs,
  type Graph,
  type GraphInput,
  type HostTensor,
  type Layout,
  type NodeSpec,
  type ValueInfo,
} from '@skipconn/core';

/** Layout a Keras tensor has by rank: Keras layers are channels-last. */
export function keraslayout(rank: number): Layout | undefined {
  return rank === 4 ? 'NHWC' : rank === 3 ? 'NTC' : rank === 2 ? 'NC' : undefined;
}

export class ImportGraph {
  readonly inputs: GraphInput[] = [];
  readonly weights = new Map<string, HostTensor>();
  nodes: NodeSpec[] = [];
  private readonly infos = new Map<string, ValueInfo>();
  private readonly producers = new Map<string, NodeSpec>();
  private readonly names = new Set<string>();
  private readonly ancestry = new Map<string, Set<string>>();
  private readonly relabeled = new Map<string, string>();

  unique(base: string): string {
    let name = base;
    for (let i = 2; this.names.has(name); i++) name = `${base}_${i}`;
    this.names.add(name);
    return name;
  }

  input(name: string, shape: readonly number[], layout: Layout | undefined): string {
    const n = this.unique(name);
    const info: ValueInfo = { dtype: 'float32', shape: [...shape], ...(layout ? { layout } : {}) };
    this.inputs.push({ name: n, ...info });
    this.infos.set(n, info);
    return n;
  }

  /** Adds a weight under a unique name; returns the name. */
  weight(name: string, t: HostTensor): string {
    const n = this.unique(name);
    this.weights.set(n, t);
    this.infos.set(n, { dtype: t.dtype, shape: [...t.shape] });
    return n;
  }

  info(value: string): ValueInfo {
    return this.infos.get(value)!;
  }

  isWeight(value: string): boolean {
    return this.weights.has(value);
  }

  producer(value: string): NodeSpec | undefined {
    return this.producers.get(value);
  }

  /** Adds one node; its output info comes from the op's shape inference (errors name the node). */
  node(op: string, inputs: readonly string[], attrs: Attrs, base: string): string {
    const name = this.unique(base);
    const ref = { node: name, op };
    const def = getOp(op, ref);
    const parsed = def.parseAttrs(attrs, ref);
    const [info] = def.inferShape(inputs.map((i) => this.info(i)), parsed, ref);
    const spec: NodeSpec = Object.keys(attrs).length > 0 ? { name, op, inputs: [...inputs], outputs: [name], attrs } : { name, op, inputs: [...inputs], outputs: [name] };
    this.nodes.push(spec);
    this.infos.set(name, info!);
    this.producers.set(name, spec);
    return name;
  }

  /**
   * The value with `layout` for ops that read semantic axes (Keras layers are channels-last
   * whatever the last Permute made of the tensor): a reshape to the same shape that only
   * declares the layout, added once per value.
   */
  withLayout(value: string, layout: Layout | undefined): string {
    if (layout === undefined || this.info(value).layout === layout) return value;
    const key = `${value}@${layout}`;
    const known = this.relabeled.get(key);
    if (known !== undefined) return known;
    const out = this.node('reshape', [value], { shape: [...this.info(value).shape], layout }, `${value}.as_${layout}`);
    this.relabeled.set(key, out);
    return out;
  }

  /** Activation values `value` depends on, itself included (weights are not paths). */
  ancestors(value: string): Set<string> {
    const known = this.ancestry.get(value);
    if (known !== undefined) return known;
    const set = new Set<string>([value]);
    const producer = this.producers.get(value);
    for (const input of producer?.inputs ?? []) if (!this.weights.has(input)) this.ancestors(input).forEach((v) => set.add(v));
    this.ancestry.set(value, set);
    return set;
  }

  /** True when the values share an ancestor: the merge joins paths that forked (a skip). */
  forks(values: readonly string[]): boolean {
    const sets = values.map((v) => this.ancestors(v));
    return [...sets[0]!].some((v) => sets.every((s) => s.has(v)));
  }

  /**
   * Of two forking paths, the shortcut: the one with fewer values of its own since the fork
   * (0 for an identity shortcut). Returns [shortcut, body].
   */
  shortcutFirst(a: string, b: string): [string, string] {
    const sa = this.ancestors(a);
    const sb = this.ancestors(b);
    const own = (s: Set<string>, other: Set<string>) => [...s].filter((v) => !other.has(v)).length;
    return own(sa, sb) <= own(sb, sa) ? [a, b] : [b, a];
  }

  graph(name: string, outputs: readonly string[]): Graph {
    return {
      format: GRAPH_FORMAT,
      version: GRAPH_VERSION,
      name,
      inputs: this.inputs,
      outputs: [...outputs],
      weights: [...this.weights].map(([n, t]) => ({ name: n, dtype: t.dtype, shape: [...t.shape] })),
      nodes: this.nodes,
    };
  }
}

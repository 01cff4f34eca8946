/**
 * The IR graph an import builds: inputs, weights and nodes, with every value's info inferred by
 * core's own shape inference as the node is added (so an error names the node at once), plus the
 * ancestry queries that decide whether a merge joins forking paths (a skip connection).
 */
import { GRAPH_FORMAT, GRAPH_VERSION, IndexHeap, inferOpOutputs, type Attrs, type DType, type Graph, type GraphInput, type HostTensor, type Layout, type NodeSpec, type ValueInfo } from '@skipconn/core';

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
  /** Creation order of every value (inputs, weights, node outputs): a topological order. */
  private readonly order = new Map<string, number>();
  private readonly relabeled = new Map<string, string>();

  unique(base: string): string {
    let name = base;
    for (let i = 2; this.names.has(name); i++) name = `${base}_${i}`;
    this.names.add(name);
    return name;
  }

  input(name: string, shape: readonly number[], layout: Layout | undefined, dtype: DType = 'float32'): string {
    const n = this.unique(name);
    const info: ValueInfo = { dtype, shape: [...shape], ...(layout ? { layout } : {}) };
    this.inputs.push({ name: n, ...info });
    this.infos.set(n, info);
    this.order.set(n, this.order.size);
    return n;
  }

  /** Adds a weight under a unique name; returns the name. */
  weight(name: string, t: HostTensor): string {
    const n = this.unique(name);
    this.weights.set(n, t);
    this.infos.set(n, { dtype: t.dtype, shape: [...t.shape] });
    this.order.set(n, this.order.size);
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
    return this.nodeWithOutputs(op, inputs, attrs, base, [''])[0]!;
  }

  /** Adds one node with every output its op gives: the first named like the node, output i > 0 `<node>:<i>`. */
  nodeAllOutputs(op: string, inputs: readonly string[], attrs: Attrs, base: string): string[] {
    const count = inferOpOutputs(
      op,
      attrs,
      inputs.map((i) => this.info(i)),
      { node: base, op },
    ).length;
    return this.nodeWithOutputs(op, inputs, attrs, base, ['', ...Array.from({ length: count - 1 }, (_, i) => String(i + 1))]);
  }

  /**
   * Adds one node with an output per suffix (topK: values and indices); the output with suffix
   * '' is named like the node, the others `<node>:<suffix>` (made unique). Returns the output
   * names in order.
   */
  nodeWithOutputs(op: string, inputs: readonly string[], attrs: Attrs, base: string, suffixes: readonly string[]): string[] {
    const name = this.unique(base);
    const ref = { node: name, op };
    const infos = inferOpOutputs(
      op,
      attrs,
      inputs.map((i) => this.info(i)),
      ref,
    );
    const outputs = suffixes.map((s) => (s === '' ? name : this.unique(`${name}:${s}`)));
    const spec: NodeSpec = Object.keys(attrs).length > 0 ? { name, op, inputs: [...inputs], outputs, attrs } : { name, op, inputs: [...inputs], outputs };
    this.nodes.push(spec);
    outputs.forEach((o, i) => {
      this.infos.set(o, infos[i]!);
      this.producers.set(o, spec);
      this.order.set(o, this.order.size);
    });
    return outputs;
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

  /**
   * The latest value every one of `values` depends on (themselves included; weights are not
   * paths), with how many later values reach each of them and not all. Searches backwards latest
   * first and stops at the fork, so it covers only the branches (see findSkips in core); no
   * per-value ancestor sets, no recursion.
   */
  private fork(values: readonly string[]): { fork: string; own: number[] } | undefined {
    const all = (1n << BigInt(values.length)) - 1n;
    const pending = new Map<string, bigint>();
    const byOrder = new Map<number, string>();
    const heap = new IndexHeap(); // -order: the latest value first
    const own = values.map(() => 0);
    const add = (v: string, mask: bigint): void => {
      if (this.weights.has(v)) return;
      const prior = pending.get(v);
      if (prior !== undefined) {
        pending.set(v, prior | mask);
        return;
      }
      const at = this.order.get(v);
      if (at === undefined) return;
      pending.set(v, mask);
      byOrder.set(at, v);
      heap.push(-at);
    };
    values.forEach((v, k) => add(v, 1n << BigInt(k)));
    while (heap.size > 0) {
      const v = byOrder.get(-heap.pop())!;
      const mask = pending.get(v)!;
      if (mask === all) return { fork: v, own };
      values.forEach((_, k) => {
        if ((mask & (1n << BigInt(k))) !== 0n) own[k]!++;
      });
      for (const input of this.producers.get(v)?.inputs ?? []) add(input, mask);
    }
    return undefined;
  }

  /** True when the values share an ancestor: the merge joins paths that forked (a skip). */
  forks(values: readonly string[]): boolean {
    return this.fork(values) !== undefined;
  }

  /**
   * Of two forking paths, the shortcut: the one with fewer values of its own since the fork
   * (0 for an identity shortcut). Returns [shortcut, body].
   */
  shortcutFirst(a: string, b: string): [string, string] {
    const f = this.fork([a, b]);
    if (f === undefined) return [a, b];
    return f.own[0]! <= f.own[1]! ? [a, b] : [b, a];
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

/**
 * Helpers for make-cases.ts: a tiny graph writer that does NOT validate (error cases need invalid
 * graphs), seeded value specs, ids and automatic tags. The cases it writes are plain data; the
 * harness never runs this code.
 */
import { GRAPH_FORMAT, GRAPH_VERSION, encodeNumber, type Attrs, type DType, type ErrorCode, type Graph, type GraphInput, type Layout, type NodeSpec, type WeightSpec } from '@skipconn/core';
import type { ConformanceCase, EncodedNumber, Expected, RandomSpec, ValueSpec } from '../src/types';

/** FNV-1a of a string: stable seeds derived from case id and value name. */
export function seedOf(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return h;
}

export function shapeId(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

export type Special = number | 'NaN' | 'Infinity' | '-Infinity' | '-0';

/** Options for a seeded value: range and special values at flat indices. */
export interface RangeOptions {
  readonly low?: number;
  readonly high?: number;
  readonly special?: Readonly<Record<number, Special>>;
}

export function encodeAll(values: readonly (number | string)[]): EncodedNumber[] {
  return values.map((v) => (typeof v === 'number' ? encodeNumber(v) : v));
}

/** A graph being written for one case; weights and inputs remember their value specs. */
export class G {
  readonly inputs: GraphInput[] = [];
  readonly weights: WeightSpec[] = [];
  readonly nodes: NodeSpec[] = [];
  readonly outputs: string[] = [];
  readonly init: Record<string, RandomSpec> = {};
  readonly inputSpecs: Record<string, ValueSpec> = {};
  private readonly counters = new Map<string, number>();

  constructor(readonly id: string) {}

  private spec(name: string, o: RangeOptions): RandomSpec {
    const special = o.special ? Object.entries(o.special).map(([index, value]) => ({ index: Number(index), value: typeof value === 'number' ? encodeNumber(value) : value })) : undefined;
    return { seed: seedOf(`${this.id}#${name}`), low: o.low ?? -1, high: o.high ?? 1, ...(special ? { special } : {}) };
  }

  /** A graph input with seeded values (default uniform [-1, 1)) or literal values. */
  input(name: string, shape: readonly number[], opts: RangeOptions & { layout?: Layout; dtype?: DType; values?: readonly (number | string)[] } = {}): string {
    this.inputs.push({ name, dtype: opts.dtype ?? 'float32', shape: [...shape], ...(opts.layout ? { layout: opts.layout } : {}) });
    this.inputSpecs[name] = opts.values !== undefined ? encodeAll(opts.values) : this.spec(name, opts);
    return name;
  }

  /** A weight with seeded values (filled by the harness from `init`). */
  weight(name: string, shape: readonly number[], opts: RangeOptions & { dtype?: DType } = {}): string {
    this.weights.push({ name, dtype: opts.dtype ?? 'float32', shape: [...shape] });
    this.init[name] = this.spec(name, opts);
    return name;
  }

  /** A weight uniform in +-1/sqrt(fanIn) (PyTorch's default init), so activations stay O(1). */
  param(name: string, shape: readonly number[], fanIn: number, dtype?: DType): string {
    const b = 1 / Math.sqrt(Math.max(1, fanIn));
    return this.weight(name, shape, { low: -b, high: b, dtype });
  }

  /** A weight with inline literal values. */
  literal(name: string, shape: readonly number[], values: readonly (number | string)[], dtype: DType = 'float32'): string {
    this.weights.push({ name, dtype, shape: [...shape], data: encodeAll(values) });
    return name;
  }

  node(op: string, inputs: readonly string[], attrs: Attrs = {}, name?: string): string {
    const n = name ?? this.fresh(op);
    this.nodes.push(Object.keys(attrs).length > 0 ? { name: n, op, inputs: [...inputs], outputs: [n], attrs } : { name: n, op, inputs: [...inputs], outputs: [n] });
    return n;
  }

  /** A node with several outputs (topK's values and indices), named `<name>` and `<name>_<output>`. */
  nodeOutputs(op: string, inputs: readonly string[], attrs: Attrs, name: string, outputs: readonly string[]): string[] {
    const names = outputs.map((o) => `${name}_${o}`);
    this.nodes.push({ name, op, inputs: [...inputs], outputs: names, attrs });
    return names;
  }

  output(...names: string[]): void {
    this.outputs.push(...names);
  }

  graph(): Graph {
    return { format: GRAPH_FORMAT, version: GRAPH_VERSION, inputs: this.inputs, outputs: this.outputs, weights: this.weights, nodes: this.nodes };
  }

  private fresh(op: string): string {
    const k = (this.counters.get(op) ?? 0) + 1;
    this.counters.set(op, k);
    return k === 1 ? op : `${op}_${k}`;
  }
}

export interface CaseDef {
  readonly id: string;
  readonly description?: string;
  readonly why?: string;
  readonly tags?: readonly string[];
  readonly build: (g: G) => void;
  /** Default 'golden'. */
  readonly expected?: Expected;
}

/** Tags derived from the data, so coverage checks need not trust hand-written labels. */
function autoTags(c: ConformanceCase): string[] {
  const tags = new Set<string>();
  const values: (number | string)[] = [];
  for (const spec of Object.values(c.inputs)) {
    if (Array.isArray(spec)) values.push(...(spec as EncodedNumber[]));
    else (spec as RandomSpec).special?.forEach((s) => values.push(s.value));
  }
  for (const w of c.graph.weights) if (w.data) values.push(...w.data);
  for (const v of values) {
    if (v === 'NaN') tags.add('nan');
    if (v === 'Infinity' || v === '-Infinity') tags.add('inf');
    if (v === '-0') tags.add('neg-zero');
    if (typeof v === 'number' && Math.abs(v) >= 1e6) tags.add('large');
  }
  for (const spec of Object.values(c.inputs)) {
    if (!Array.isArray(spec) && Math.max(Math.abs((spec as RandomSpec).low), Math.abs((spec as RandomSpec).high)) >= 1e6) tags.add('large');
  }
  if (c.graph.inputs.some((i) => i.shape.includes(0))) tags.add('zero-size');
  if (c.graph.inputs.some((i) => i.dtype === 'float16')) tags.add('float16');
  if (c.graph.inputs.some((i) => i.shape.length === 0)) tags.add('rank0');
  return [...tags];
}

export function makeCase(def: CaseDef): ConformanceCase {
  const g = new G(def.id);
  def.build(g);
  const base = {
    id: def.id,
    ...(def.description ? { description: def.description } : {}),
    ...(def.why ? { why: def.why } : {}),
    graph: g.graph(),
    ...(Object.keys(g.init).length > 0 ? { init: g.init } : {}),
    inputs: g.inputSpecs,
    expected: def.expected ?? 'golden',
  } satisfies ConformanceCase;
  const tags = [...new Set([...(def.tags ?? []), ...autoTags(base)])].sort();
  return tags.length > 0 ? { ...base, tags } : base;
}

/** Shorthand for an expected error. */
export function error(code: ErrorCode, message: string): Expected {
  return { error: { code, message } };
}

/** Shorthand for literal expected values of the output 'y'. */
export function values(y: readonly (number | string)[], output = 'y'): Expected {
  return { values: { [output]: encodeAll(y) } };
}

/** Image shape in a layout from (n, c, h, w). */
export function img(layout: 'NCHW' | 'NHWC', n: number, c: number, h: number, w: number): number[] {
  return layout === 'NCHW' ? [n, c, h, w] : [n, h, w, c];
}

/** Channel count of a shape in a layout. */
export function channelsOf(layout: Layout, shape: readonly number[]): number {
  const axis = layout === 'NCHW' ? 1 : layout === 'NHWC' ? 3 : layout === 'NC' ? 1 : 2;
  return shape[axis]!;
}

/**
 * JSON (de)serialization of the IR. Serialization is canonical (fixed key order, two-space
 * indent) so that JSON -> graph -> JSON is byte-identical. Inline weight values that JSON
 * cannot hold (NaN, +-Infinity, -0) are written as the strings "NaN", "Infinity", "-Infinity", "-0";
 * an attribute that is +-Infinity (clip's bounds) as "Infinity" / "-Infinity".
 */
import { FileFormatError, SkipconnError } from '../errors';
import { locateJsonError } from './json-error';
import { tensor, toFloat64, type HostTensor } from '../tensor';
import type { Graph, GraphInput, NodeSpec, WeightSpec, WeightStore } from './types';

/** Deepest nesting of arrays and objects a JSON file may have (graphs and model.json need under 10). */
export const MAX_JSON_DEPTH = 256;

/**
 * Refuses JSON text nested deeper than maxDepth, in one pass over the text, before it is
 * parsed: JSON.parse itself copes with deep nesting, but anything that walks the result
 * recursively (serialising a value for a message, copying it) would overflow the stack.
 */
export function checkJsonDepth(text: string, file: string, maxDepth = MAX_JSON_DEPTH): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) throw new FileFormatError(file, `JSON is nested more than ${maxDepth} levels deep (at character ${i}); expected a shallow document`);
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
}

/** Parses graph JSON text. Syntax errors name the file and byte offset; structure is checked by validateGraph. */
export function parseGraphJson(text: string, file = '<graph>'): Graph {
  checkJsonDepth(text, file);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const where = locateJsonError(text);
    const truncated = where?.truncated ?? false;
    const offset = where?.offset;
    throw new FileFormatError(file, truncated ? `JSON ends early (truncated file?): ${message}` : `invalid JSON: ${message}`, offset);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FileFormatError(file, `expected a JSON object with "format": "skipconn.graph", received ${Array.isArray(value) ? 'an array' : typeof value}`);
  }
  return value as Graph;
}

export function encodeNumber(v: number): number | string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (Object.is(v, -0)) return '-0';
  return v;
}

export function decodeNumber(v: number | string, where: string): number {
  if (typeof v === 'number') return v;
  switch (v) {
    case 'NaN':
      return NaN;
    case 'Infinity':
      return Infinity;
    case '-Infinity':
      return -Infinity;
    case '-0':
      return -0;
    default:
      throw new SkipconnError('GRAPH_INVALID', `${where}: expected a number or one of "NaN", "Infinity", "-Infinity", "-0", received ${JSON.stringify(v)}`);
  }
}

function canonicalInput(i: GraphInput): GraphInput {
  return i.layout === undefined ? { name: i.name, dtype: i.dtype, shape: [...i.shape] } : { name: i.name, dtype: i.dtype, shape: [...i.shape], layout: i.layout };
}

function canonicalWeight(w: WeightSpec): WeightSpec {
  const out: { -readonly [K in keyof WeightSpec]: WeightSpec[K] } = { name: w.name, dtype: w.dtype, shape: [...w.shape] };
  if (w.data !== undefined) out.data = [...w.data];
  return out;
}

/**
 * Attribute values as JSON can hold them: a top-level +-Infinity (clip's bounds written in code)
 * becomes "Infinity" / "-Infinity", which the ops that take infinite values parse back; JSON
 * would otherwise write null. Everything else is kept as given.
 */
function canonicalAttrs(attrs: NonNullable<NodeSpec['attrs']>): NodeSpec['attrs'] {
  if (!Object.values(attrs).some((v) => v === Infinity || v === -Infinity)) return attrs;
  return Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k, v === Infinity || v === -Infinity ? encodeNumber(v) : v]));
}

function canonicalNode(n: NodeSpec): NodeSpec {
  const out: { -readonly [K in keyof NodeSpec]: NodeSpec[K] } = { name: n.name, op: n.op, inputs: [...n.inputs], outputs: [...n.outputs] };
  if (n.attrs !== undefined && Object.keys(n.attrs).length > 0) out.attrs = canonicalAttrs(n.attrs);
  return out;
}

/**
 * Two-space JSON where arrays of scalars (shapes, input lists, weight data) stay on one line,
 * so graphs read well and diff well.
 */
export function prettyJson(value: unknown, indent: string): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every((v) => v === null || typeof v !== 'object')) return `[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
    const inner = indent + '  ';
    return `[\n${value.map((v) => inner + prettyJson(v, inner)).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    const inner = indent + '  ';
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${prettyJson(v, inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}

/** Canonical JSON text of a graph (fixed key order). */
export function serializeGraph(graph: Graph): string {
  const canonical: Record<string, unknown> = { format: graph.format, version: graph.version };
  if (graph.name !== undefined) canonical['name'] = graph.name;
  canonical['inputs'] = graph.inputs.map(canonicalInput);
  canonical['outputs'] = [...graph.outputs];
  if (graph.weightsFile !== undefined) canonical['weightsFile'] = graph.weightsFile;
  canonical['weights'] = graph.weights.map(canonicalWeight);
  canonical['nodes'] = graph.nodes.map(canonicalNode);
  return `${prettyJson(canonical, '')}\n`;
}

/** Inline weight data as tensors. Weights without inline data must come from `external`. */
export function weightsFromGraph(graph: Graph, external?: WeightStore): Map<string, HostTensor> {
  const store = new Map<string, HostTensor>();
  for (const w of graph.weights) {
    if (w.data !== undefined) {
      const values = w.data.map((v, i) => decodeNumber(v, `weight '${w.name}' value ${i}`));
      store.set(w.name, tensor(w.dtype, w.shape, values));
      continue;
    }
    const t = external?.get(w.name);
    if (t === undefined) {
      throw new SkipconnError('GRAPH_INVALID', `weight '${w.name}' has no inline data and ${graph.weightsFile ? `is missing from ${graph.weightsFile}` : 'the graph names no weightsFile'}`);
    }
    if (t.dtype !== w.dtype || t.shape.length !== w.shape.length || t.shape.some((d, i) => d !== w.shape[i])) {
      throw new SkipconnError('GRAPH_INVALID', `weight '${w.name}': expected ${w.dtype} [${w.shape.join(',')}], received ${t.dtype} [${t.shape.join(',')}] from ${graph.weightsFile ?? 'the weight store'}`);
    }
    store.set(w.name, t);
  }
  return store;
}

/** Weight spec with inline data from a tensor (for tiny graphs). */
export function inlineWeight(name: string, t: HostTensor): WeightSpec {
  return { name, dtype: t.dtype, shape: [...t.shape], data: Array.from(toFloat64(t), encodeNumber) };
}

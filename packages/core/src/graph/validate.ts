/**
 * The validator: structural checks, topological order, attribute parsing and shape inference
 * over the whole graph, before any adapter sees it. Adapters take a ValidatedGraph and read
 * every shape from it instead of computing their own.
 */
import { GraphError, clipUserText, quoteUserValue, type NodeRef } from '../errors';
import { formatShape, isDType, sizeOf } from '../tensor';
import { isLayout, layoutAxes } from '../layout';
import { getOpUntyped, type OpAttrs, type OpDefOf, type OpType } from '../ops';
import { IndexHeap } from './heap';
import { GRAPH_FORMAT, GRAPH_VERSION, type Attrs, type Graph, type GraphInput, type NodeSpec, type ValueInfo, type WeightSpec } from './types';

/** A node of op K after validation. */
export interface ValidatedNodeOf<out K extends OpType> {
  readonly spec: NodeSpec;
  /** The op's name (equal to spec.op); narrows the node, and with it `op` and `attrs`. */
  readonly type: K;
  readonly op: OpDefOf<K>;
  /** Parsed attributes with defaults filled. */
  readonly attrs: OpAttrs<K>;
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];
}

/**
 * A validated node: the union over ops (or over the ops in K), so `if (node.type === 'clip')`
 * types `node.attrs` as ClipAttrs.
 */
export type ValidatedNode<K extends OpType = OpType> = K extends OpType ? ValidatedNodeOf<K> : never;

export interface ValidatedGraph {
  readonly graph: Graph;
  /** Nodes in a topological order (the file's order wherever it already was one). */
  readonly nodes: readonly ValidatedNode[];
  /** Every value: graph inputs, weights and node outputs. */
  readonly values: ReadonlyMap<string, ValueInfo>;
  /** The node producing each node output. */
  readonly producers: ReadonlyMap<string, ValidatedNode>;
  readonly weightNames: ReadonlySet<string>;
  readonly inputNames: ReadonlySet<string>;
}

const GRAPH_REF: NodeRef = {};

function graphError(problem: string, expected: string, received: string): never {
  throw new GraphError('GRAPH_INVALID', GRAPH_REF, problem, { expected, received });
}

/** A name from the file, as a message quotes it. */
const q = (name: string): string => clipUserText(name);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The entry at `index` of a graph list, which must be an object (a null entry is a user error). */
function entryAt(list: readonly unknown[], index: number, what: string): Record<string, unknown> {
  const v = list[index];
  if (!isRecord(v)) graphError(`${what} ${index} is not an object`, `an object describing the ${what}`, quoteUserValue(v));
  return v;
}

function nameOf(v: unknown, what: string): string {
  if (typeof v !== 'string' || v.length === 0) graphError(`${what} has no name`, 'a non-empty string', quoteUserValue(v));
  return v;
}

/**
 * Shapes hold safe integers (a dimension of 1e300 is an integer to JavaScript, but no size or
 * offset computed from it is exact), and so does the element count they multiply to.
 */
function checkShape(shape: unknown, what: string): void {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    graphError(`${what} has an invalid shape`, `a list of non-negative integers up to ${Number.MAX_SAFE_INTEGER}`, quoteUserValue(shape));
  }
  if (!Number.isSafeInteger(sizeOf(shape as number[]))) {
    graphError(`${what} has too many elements`, `a shape whose element count is at most ${Number.MAX_SAFE_INTEGER}`, formatShape(shape as number[]));
  }
}

/** A list of value names: node inputs and outputs, graph outputs. */
function checkNameList(list: unknown, ref: NodeRef, field: string, minLength: number): asserts list is string[] {
  if (!Array.isArray(list) || list.length < minLength || !list.every((n) => typeof n === 'string' && n.length > 0)) {
    throw new GraphError('GRAPH_INVALID', ref, `'${field}' must be a list of value names`, {
      expected: minLength > 0 ? `at least ${minLength} non-empty string(s)` : 'a list of non-empty strings',
      received: quoteUserValue(list),
    });
  }
}

/**
 * Orders nodes so every input is defined before use, in O(nodes + edges): the file's order when
 * it already is one (checked in one pass), otherwise Kahn's algorithm taking the ready node that
 * comes first in the file (a heap, so O((nodes + edges) log nodes) in that case).
 */
function topologicalOrder(specs: readonly NodeSpec[], defined: ReadonlySet<string>): NodeSpec[] {
  const available = new Set<string>(defined);
  let sorted = true;
  for (const node of specs) {
    if (!node.inputs.every((i) => available.has(i))) {
      sorted = false;
      break;
    }
    for (const o of node.outputs) available.add(o);
  }
  if (sorted) return [...specs];

  const waiting = new Array<number>(specs.length).fill(0);
  const consumers = new Map<string, number[]>();
  specs.forEach((node, index) => {
    for (const i of node.inputs) {
      if (defined.has(i)) continue;
      waiting[index]!++;
      const list = consumers.get(i);
      if (list === undefined) consumers.set(i, [index]);
      else list.push(index);
    }
  });
  const ready = new IndexHeap();
  waiting.forEach((n, index) => n === 0 && ready.push(index));
  const order: NodeSpec[] = [];
  while (ready.size > 0) {
    const node = specs[ready.pop()]!;
    order.push(node);
    for (const o of node.outputs) {
      for (const c of consumers.get(o) ?? []) if (--waiting[c]! === 0) ready.push(c);
    }
  }
  if (order.length < specs.length) {
    const stuck = specs.filter((_, index) => waiting[index]! > 0);
    const first = stuck[0]!;
    const names = stuck
      .slice(0, 10)
      .map((n) => `'${q(n.name)}'`)
      .join(', ');
    throw new GraphError('GRAPH_INVALID', { node: first.name, op: first.op }, 'the graph has a cycle', {
      expected: 'a directed acyclic graph',
      received: `a cycle through ${names}${stuck.length > 10 ? ` and ${stuck.length - 10} more nodes` : ''}`,
    });
  }
  return order;
}

export function validateGraph(graph: Graph): ValidatedGraph {
  if (!isRecord(graph)) graphError('not a skipconn graph', 'a graph object', quoteUserValue(graph));
  if (graph.format !== GRAPH_FORMAT) graphError('not a skipconn graph', `format "${GRAPH_FORMAT}"`, quoteUserValue(graph.format));
  if (graph.version !== GRAPH_VERSION) graphError('unsupported graph version', `version ${GRAPH_VERSION}`, quoteUserValue(graph.version));
  for (const key of ['inputs', 'outputs', 'weights', 'nodes'] as const) {
    if (!Array.isArray(graph[key])) graphError(`'${key}' is missing or not a list`, 'a list', quoteUserValue(graph[key]));
  }

  const values = new Map<string, ValueInfo>();
  const define = (name: unknown, info: ValueInfo, what: string): void => {
    const n = nameOf(name, what);
    if (values.has(n)) graphError(`value '${q(n)}' is defined twice`, 'unique value names', `a second ${what} named '${q(n)}'`);
    values.set(n, info);
  };

  const inputNames = new Set<string>();
  for (let index = 0; index < graph.inputs.length; index++) {
    const input = entryAt(graph.inputs, index, 'input') as unknown as GraphInput;
    const name = nameOf(input.name, `input ${index}`);
    checkShape(input.shape, `input '${q(name)}'`);
    if (!isDType(input.dtype)) graphError(`input '${q(name)}' has an unknown dtype`, 'float32, float16, float64, int32, int64, uint8 or bool', quoteUserValue(input.dtype));
    if (input.layout !== undefined && !isLayout(input.layout)) graphError(`input '${q(name)}' has an unknown layout`, 'NCHW, NHWC, NC or NTC', quoteUserValue(input.layout));
    if (input.layout !== undefined && input.shape.length !== layoutAxes(input.layout).rank) {
      graphError(`input '${q(name)}' does not fit its layout`, `rank ${layoutAxes(input.layout).rank} for ${input.layout}`, formatShape(input.shape));
    }
    define(name, { dtype: input.dtype, shape: [...input.shape], layout: input.layout }, 'input');
    inputNames.add(name);
  }
  const weightNames = new Set<string>();
  for (let index = 0; index < graph.weights.length; index++) {
    const w = entryAt(graph.weights, index, 'weight') as unknown as WeightSpec;
    const name = nameOf(w.name, `weight ${index}`);
    checkShape(w.shape, `weight '${q(name)}'`);
    if (!isDType(w.dtype)) graphError(`weight '${q(name)}' has an unknown dtype`, 'a dtype', quoteUserValue(w.dtype));
    if (w.data !== undefined && !Array.isArray(w.data)) graphError(`weight '${q(name)}' has inline data that is not a list`, 'a list of numbers', quoteUserValue(w.data));
    if (w.data !== undefined && w.data.length !== sizeOf(w.shape)) {
      graphError(`weight '${q(name)}' has inline data of the wrong length`, `${sizeOf(w.shape)} values for ${formatShape(w.shape)}`, `${w.data.length} values`);
    }
    define(name, { dtype: w.dtype, shape: [...w.shape] }, 'weight');
    weightNames.add(name);
  }

  const nodeNames = new Set<string>();
  const producerIndex = new Map<string, number>();
  const specs: NodeSpec[] = [];
  for (let index = 0; index < graph.nodes.length; index++) {
    const node = entryAt(graph.nodes, index, 'node') as unknown as NodeSpec;
    if (typeof node.name !== 'string' || node.name.length === 0) graphError(`node ${index} has no name`, 'a non-empty string', quoteUserValue(node.name));
    if (typeof node.op !== 'string') throw new GraphError('GRAPH_INVALID', { node: node.name }, "'op' must be a string", { expected: 'an op name', received: quoteUserValue(node.op) });
    if (nodeNames.has(node.name)) graphError(`node name '${q(node.name)}' is used twice`, 'unique node names', q(node.name));
    nodeNames.add(node.name);
    const ref: NodeRef = { node: node.name, op: node.op };
    checkNameList(node.inputs, ref, 'inputs', 0);
    checkNameList(node.outputs, ref, 'outputs', 1);
    for (const out of node.outputs) {
      if (values.has(out) || producerIndex.has(out)) {
        throw new GraphError('GRAPH_INVALID', ref, `output '${q(out)}' is already defined`, { expected: 'each value defined once', received: `'${q(out)}' defined again` });
      }
      producerIndex.set(out, index);
    }
    specs.push(node);
  }
  for (const node of specs) {
    const missing = node.inputs.find((i) => !values.has(i) && !producerIndex.has(i));
    if (missing !== undefined) {
      throw new GraphError('GRAPH_INVALID', { node: node.name, op: node.op }, `input '${q(missing)}' is not defined`, {
        expected: "a graph input, a weight, or another node's output",
        received: `'${q(missing)}'`,
      });
    }
  }
  checkNameList(graph.outputs, GRAPH_REF, 'outputs', 0);

  const order = topologicalOrder(specs, new Set(values.keys()));

  const nodes: ValidatedNode[] = [];
  const producers = new Map<string, ValidatedNode>();
  for (const spec of order) {
    const ref: NodeRef = { node: spec.name, op: spec.op };
    // Attrs go from this op's parseAttrs to its inferShape, and the node built below pairs them
    // with this op again (the one cast that makes `node.type` narrow `node.attrs`).
    const op = getOpUntyped(spec.op, ref);
    if (spec.inputs.length < op.minInputs || spec.inputs.length > op.maxInputs) {
      throw new GraphError('GRAPH_INVALID', ref, 'wrong number of inputs', {
        expected:
          op.maxInputs === Infinity
            ? `at least ${op.minInputs} (${op.inputNames.join(', ')})`
            : op.minInputs === op.maxInputs
              ? `${op.minInputs} (${op.inputNames.join(', ')})`
              : `${op.minInputs} to ${op.maxInputs} (${op.inputNames.join(', ')})`,
        received: String(spec.inputs.length),
      });
    }
    const rawAttrs: Attrs = spec.attrs ?? {};
    if (typeof rawAttrs !== 'object' || rawAttrs === null || Array.isArray(rawAttrs)) {
      throw new GraphError('ATTRIBUTE_INVALID', ref, 'attrs must be an object', { expected: '{ ... }', received: quoteUserValue(rawAttrs) });
    }
    const attrs = op.parseAttrs(rawAttrs, ref);
    const inputs = spec.inputs.map((name) => values.get(name)!);
    const outputs = op.inferShape(inputs, attrs, ref);
    if (outputs.length !== spec.outputs.length) {
      throw new GraphError('GRAPH_INVALID', ref, 'wrong number of outputs', { expected: String(outputs.length), received: String(spec.outputs.length) });
    }
    const vnode = { spec, type: op.type, op, attrs, inputs, outputs } as ValidatedNode;
    spec.outputs.forEach((name, i) => {
      values.set(name, outputs[i]!);
      producers.set(name, vnode);
    });
    nodes.push(vnode);
  }

  const outputNames = new Set<string>();
  for (const out of graph.outputs) {
    if (!values.has(out)) graphError(`graph output '${q(out)}' is not defined`, 'the name of a node output or graph input', `'${q(out)}'`);
    if (outputNames.has(out)) graphError(`graph output '${q(out)}' is listed twice`, 'distinct outputs', `'${q(out)}' twice`);
    outputNames.add(out);
  }
  return { graph, nodes, values, producers, weightNames, inputNames };
}

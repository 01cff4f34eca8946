/**
 * The validator: structural checks, topological order, attribute parsing and shape inference
 * over the whole graph, before any adapter sees it. Adapters take a ValidatedGraph and read
 * every shape from it instead of computing their own.
 */
import { GraphError, type NodeRef } from '../errors';
import { formatShape, isDType, sizeOf } from '../tensor';
import { isLayout, layoutAxes } from '../layout';
import { getOp } from '../ops';
import type { OpDef } from '../ops/op';
import { GRAPH_FORMAT, GRAPH_VERSION, type Attrs, type Graph, type NodeSpec, type ValueInfo } from './types';

export interface ValidatedNode {
  readonly spec: NodeSpec;
  readonly op: OpDef<any>;
  /** Parsed attributes with defaults filled. */
  readonly attrs: any;
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];
}

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

function checkShape(shape: unknown, what: string): void {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    graphError(`${what} has an invalid shape`, 'a list of non-negative integers', JSON.stringify(shape));
  }
}

export function validateGraph(graph: Graph): ValidatedGraph {
  if (graph.format !== GRAPH_FORMAT) graphError('not a skipconn graph', `format "${GRAPH_FORMAT}"`, JSON.stringify(graph.format));
  if (graph.version !== GRAPH_VERSION) graphError('unsupported graph version', `version ${GRAPH_VERSION}`, JSON.stringify(graph.version));
  for (const key of ['inputs', 'outputs', 'weights', 'nodes'] as const) {
    if (!Array.isArray(graph[key])) graphError(`'${key}' is missing or not a list`, 'a list', JSON.stringify(graph[key]));
  }

  const values = new Map<string, ValueInfo>();
  const define = (name: unknown, info: ValueInfo, what: string): void => {
    if (typeof name !== 'string' || name.length === 0) graphError(`${what} has no name`, 'a non-empty string', JSON.stringify(name));
    if (values.has(name)) graphError(`value '${name}' is defined twice`, 'unique value names', `a second ${what} named '${name}'`);
    values.set(name, info);
  };

  const inputNames = new Set<string>();
  for (const input of graph.inputs) {
    checkShape(input.shape, `input '${input.name}'`);
    if (!isDType(input.dtype)) graphError(`input '${input.name}' has an unknown dtype`, 'float32, float16, float64, int32, int64, uint8 or bool', JSON.stringify(input.dtype));
    if (input.layout !== undefined && !isLayout(input.layout)) graphError(`input '${input.name}' has an unknown layout`, 'NCHW, NHWC, NC or NTC', JSON.stringify(input.layout));
    if (input.layout !== undefined && input.shape.length !== layoutAxes(input.layout).rank) {
      graphError(`input '${input.name}' does not fit its layout`, `rank ${layoutAxes(input.layout).rank} for ${input.layout}`, formatShape(input.shape));
    }
    define(input.name, { dtype: input.dtype, shape: [...input.shape], layout: input.layout }, 'input');
    inputNames.add(input.name);
  }
  const weightNames = new Set<string>();
  for (const w of graph.weights) {
    checkShape(w.shape, `weight '${w.name}'`);
    if (!isDType(w.dtype)) graphError(`weight '${w.name}' has an unknown dtype`, 'a dtype', JSON.stringify(w.dtype));
    if (w.data !== undefined && w.data.length !== sizeOf(w.shape)) {
      graphError(`weight '${w.name}' has inline data of the wrong length`, `${sizeOf(w.shape)} values for ${formatShape(w.shape)}`, `${w.data.length} values`);
    }
    define(w.name, { dtype: w.dtype, shape: [...w.shape] }, 'weight');
    weightNames.add(w.name);
  }

  const nodeNames = new Set<string>();
  const producerOf = new Map<string, NodeSpec>();
  for (const node of graph.nodes) {
    if (typeof node.name !== 'string' || node.name.length === 0) graphError('a node has no name', 'a non-empty string', JSON.stringify(node.name));
    if (nodeNames.has(node.name)) graphError(`node name '${node.name}' is used twice`, 'unique node names', node.name);
    nodeNames.add(node.name);
    if (!Array.isArray(node.inputs) || !Array.isArray(node.outputs) || node.outputs.length === 0) {
      throw new GraphError('GRAPH_INVALID', { node: node.name, op: node.op }, 'inputs and outputs must be lists of value names', {
        expected: 'inputs: string[], outputs: at least one name',
        received: `inputs ${JSON.stringify(node.inputs)}, outputs ${JSON.stringify(node.outputs)}`,
      });
    }
    for (const out of node.outputs) {
      if (values.has(out) || producerOf.has(out)) {
        throw new GraphError('GRAPH_INVALID', { node: node.name, op: node.op }, `output '${out}' is already defined`, { expected: 'each value defined once', received: `'${out}' defined again` });
      }
      producerOf.set(out, node);
    }
  }

  // Topological order (Kahn), stable with respect to the file's order.
  const order: NodeSpec[] = [];
  const placed = new Set<string>();
  const available = new Set<string>(values.keys());
  let pending = [...graph.nodes];
  while (pending.length > 0) {
    const next: NodeSpec[] = [];
    for (const node of pending) {
      if (node.inputs.every((i) => available.has(i))) {
        order.push(node);
        placed.add(node.name);
        node.outputs.forEach((o) => available.add(o));
      } else {
        next.push(node);
      }
    }
    if (next.length === pending.length) {
      const node = next[0]!;
      const missing = node.inputs.find((i) => !available.has(i))!;
      if (!producerOf.has(missing)) {
        throw new GraphError('GRAPH_INVALID', { node: node.name, op: node.op }, `input '${missing}' is not defined`, {
          expected: 'a graph input, a weight, or another node\'s output',
          received: `'${missing}'`,
        });
      }
      throw new GraphError('GRAPH_INVALID', { node: node.name, op: node.op }, 'the graph has a cycle', {
        expected: 'a directed acyclic graph',
        received: `a cycle through ${next.map((n) => `'${n.name}'`).join(', ')}`,
      });
    }
    pending = next;
  }

  const nodes: ValidatedNode[] = [];
  const producers = new Map<string, ValidatedNode>();
  for (const spec of order) {
    const ref: NodeRef = { node: spec.name, op: spec.op };
    const op = getOp(spec.op, ref);
    if (spec.inputs.length < op.minInputs || spec.inputs.length > op.maxInputs) {
      throw new GraphError('GRAPH_INVALID', ref, 'wrong number of inputs', {
        expected: op.maxInputs === Infinity ? `at least ${op.minInputs} (${op.inputNames.join(', ')})` : op.minInputs === op.maxInputs ? `${op.minInputs} (${op.inputNames.join(', ')})` : `${op.minInputs} to ${op.maxInputs} (${op.inputNames.join(', ')})`,
        received: String(spec.inputs.length),
      });
    }
    const rawAttrs: Attrs = spec.attrs ?? {};
    if (typeof rawAttrs !== 'object' || rawAttrs === null || Array.isArray(rawAttrs)) {
      throw new GraphError('ATTRIBUTE_INVALID', ref, 'attrs must be an object', { expected: '{ ... }', received: JSON.stringify(rawAttrs) });
    }
    const attrs = op.parseAttrs(rawAttrs, ref);
    const inputs = spec.inputs.map((name) => values.get(name)!);
    const outputs = op.inferShape(inputs, attrs, ref);
    if (outputs.length !== spec.outputs.length) {
      throw new GraphError('GRAPH_INVALID', ref, 'wrong number of outputs', { expected: String(outputs.length), received: String(spec.outputs.length) });
    }
    const vnode: ValidatedNode = { spec, op, attrs, inputs, outputs };
    spec.outputs.forEach((name, i) => {
      values.set(name, outputs[i]!);
      producers.set(name, vnode);
    });
    nodes.push(vnode);
  }

  const outputNames = new Set<string>();
  for (const out of graph.outputs) {
    if (!values.has(out)) graphError(`graph output '${out}' is not defined`, 'the name of a node output or graph input', `'${out}'`);
    if (outputNames.has(out)) graphError(`graph output '${out}' is listed twice`, 'distinct outputs', `'${out}' twice`);
    outputNames.add(out);
  }
  return { graph, nodes, values, producers, weightNames, inputNames };
}

/**
 * GraphBuilder: write IR graphs as readable TypeScript.
 *
 *   const b = new GraphBuilder('basic-block');
 *   const x = b.input('x', [1, 8, 16, 16], { layout: 'NCHW' });
 *   const h = b.node('conv2d', [x, b.weight('conv1.w', w)], { pads: [1, 1, 1, 1] }, 'conv1');
 *   b.output(b.node('residual', [x, h], { activation: 'relu' }, 'add'));
 *   const { graph, weights } = b.build();   // validated
 *
 * Value names are strings; node() returns the name of the node's (first) output.
 */
import type { DType, HostTensor } from '../tensor';
import type { Layout } from '../layout';
import { GRAPH_FORMAT, GRAPH_VERSION, type Attrs, type Graph, type GraphInput, type NodeSpec, type WeightSpec } from './types';
import { inlineWeight } from './json';
import { validateGraph, type ValidatedGraph } from './validate';
import { SkipconnError } from '../errors';

export interface BuiltGraph {
  readonly graph: Graph;
  readonly weights: Map<string, HostTensor>;
  readonly validated: ValidatedGraph;
}

export interface BuildOptions {
  /** Keep weight values inline in the JSON (default) or leave them for a weightsFile. */
  readonly inlineWeights?: boolean;
  readonly weightsFile?: string;
}

export class GraphBuilder {
  private readonly inputs: GraphInput[] = [];
  private readonly outputs: string[] = [];
  private readonly weights = new Map<string, HostTensor>();
  private readonly nodes: NodeSpec[] = [];
  private readonly counters = new Map<string, number>();

  constructor(readonly name?: string) {}

  input(name: string, shape: readonly number[], options: { dtype?: DType; layout?: Layout } = {}): string {
    this.inputs.push({ name, dtype: options.dtype ?? 'float32', shape: [...shape], ...(options.layout ? { layout: options.layout } : {}) });
    return name;
  }

  weight(name: string, value: HostTensor): string {
    if (this.weights.has(name)) throw new SkipconnError('GRAPH_INVALID', `weight '${name}' is added twice`);
    this.weights.set(name, value);
    return name;
  }

  /** Adds a node; its name defaults to `<op>_<n>` and its outputs to `<name>` (or `<name>:<i>`). */
  node(op: string, inputs: readonly string[], attrs: Attrs = {}, name?: string, outputCount = 1): string {
    return this.nodeOutputs(op, inputs, attrs, name, outputCount)[0]!;
  }

  nodeOutputs(op: string, inputs: readonly string[], attrs: Attrs = {}, name?: string, outputCount = 1): string[] {
    const nodeName = name ?? this.fresh(op);
    const outputs = outputCount === 1 ? [nodeName] : Array.from({ length: outputCount }, (_, i) => `${nodeName}:${i}`);
    const spec: NodeSpec = Object.keys(attrs).length > 0 ? { name: nodeName, op, inputs: [...inputs], outputs, attrs } : { name: nodeName, op, inputs: [...inputs], outputs };
    this.nodes.push(spec);
    return outputs;
  }

  output(...names: string[]): void {
    this.outputs.push(...names);
  }

  build(options: BuildOptions = {}): BuiltGraph {
    const inline = options.inlineWeights ?? true;
    const weights: WeightSpec[] = [...this.weights].map(([name, t]) => (inline ? inlineWeight(name, t) : { name, dtype: t.dtype, shape: [...t.shape] }));
    const graph: Graph = {
      format: GRAPH_FORMAT,
      version: GRAPH_VERSION,
      ...(this.name !== undefined ? { name: this.name } : {}),
      inputs: this.inputs,
      outputs: this.outputs,
      ...(options.weightsFile !== undefined ? { weightsFile: options.weightsFile } : {}),
      weights,
      nodes: this.nodes,
    };
    return { graph, weights: new Map(this.weights), validated: validateGraph(graph) };
  }

  private fresh(op: string): string {
    const n = (this.counters.get(op) ?? 0) + 1;
    this.counters.set(op, n);
    return `${op}_${n}`;
  }
}

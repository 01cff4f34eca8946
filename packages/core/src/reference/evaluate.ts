/**
 * The reference evaluator: runs a validated graph in float64, node by node, with the kernels in
 * ./kernels. It is the oracle for conformance and the adapter named 'reference'.
 */
import { SkipconnError } from '../errors';
import { formatShape, fromFloat64, shapesEqual, toFloat64, type HostTensor } from '../tensor';
import type { ValidatedGraph, ValidatedNode, ValidatedNodeOf } from '../graph/validate';
import type { OpType } from '../ops';
import type { WeightStore } from '../graph/types';
import type { F64Tensor } from './kernel';
import { REFERENCE_KERNELS } from './kernels';

/** What one node computes from float64 inputs (in node order), by its reference kernel. */
export function runReferenceKernel<K extends OpType>(node: ValidatedNodeOf<K>, inputs: readonly F64Tensor[]): F64Tensor[] {
  return REFERENCE_KERNELS[node.type].run(inputs, node.attrs, node);
}

export interface EvaluateOptions {
  /** Return outputs as float64 (goldens) instead of rounding to each output's declared dtype. */
  readonly float64?: boolean;
  /**
   * Called after each node with its float64 inputs and outputs, so analyses (skip signal
   * statistics) can look at intermediate values without the graph exporting them.
   */
  readonly onNode?: (node: ValidatedNode, inputs: readonly F64Tensor[], outputs: readonly F64Tensor[]) => void;
}

/** Checks that feeds name every graph input with the declared dtype and shape, and nothing else. */
export function checkFeeds(vg: ValidatedGraph, feeds: Readonly<Record<string, HostTensor>>): void {
  for (const input of vg.graph.inputs) {
    const t = feeds[input.name];
    if (t === undefined) {
      throw new SkipconnError('INPUT_INVALID', `input '${input.name}' is missing: expected ${input.dtype} ${formatShape(input.shape)}, received nothing (given: ${Object.keys(feeds).join(', ') || 'none'})`);
    }
    if (t.dtype !== input.dtype || !shapesEqual(t.shape, input.shape)) {
      throw new SkipconnError('INPUT_INVALID', `input '${input.name}': expected ${input.dtype} ${formatShape(input.shape)}${input.layout ? ` (${input.layout})` : ''}, received ${t.dtype} ${formatShape(t.shape)}`);
    }
  }
  for (const name of Object.keys(feeds)) {
    if (!vg.inputNames.has(name)) {
      throw new SkipconnError('INPUT_INVALID', `'${name}' is not a graph input: expected one of ${[...vg.inputNames].join(', ')}`);
    }
  }
}

/**
 * For each node (by index), the values the evaluator can drop once that node has run: those it
 * reads last, and its own outputs that nothing reads. Graph outputs are never dropped.
 */
export function releasePlan(vg: ValidatedGraph): string[][] {
  const lastReader = new Map<string, number>();
  vg.nodes.forEach((node, i) => {
    for (const name of node.spec.inputs) lastReader.set(name, i);
  });
  const outputs = new Set(vg.graph.outputs);
  const plan = vg.nodes.map((): string[] => []);
  for (const [name, i] of lastReader) if (!outputs.has(name)) plan[i]!.push(name);
  vg.nodes.forEach((node, i) => {
    for (const name of node.spec.outputs) if (!lastReader.has(name) && !outputs.has(name)) plan[i]!.push(name);
  });
  return plan;
}

export function evaluateGraph(vg: ValidatedGraph, weights: WeightStore, feeds: Readonly<Record<string, HostTensor>>, options: EvaluateOptions = {}): Record<string, HostTensor> {
  checkFeeds(vg, feeds);
  for (const name of vg.weightNames) {
    if (!weights.has(name)) throw new SkipconnError('INPUT_INVALID', `weight '${name}' is missing from the weight store`);
  }
  const env = new Map<string, F64Tensor>();
  for (const input of vg.graph.inputs) env.set(input.name, { shape: input.shape, data: toFloat64(feeds[input.name]!) });
  // Weights become float64 when a node first reads them, and every value is dropped after its
  // last reader: holding a float64 copy of all weights at once would double a 600M-parameter
  // model's float32 footprint (2.5 GB) by another 5 GB.
  const value = (name: string): F64Tensor => {
    const known = env.get(name);
    if (known !== undefined) return known;
    const w = weights.get(name)!;
    const converted = { shape: w.shape, data: toFloat64(w) };
    env.set(name, converted);
    return converted;
  };
  const plan = releasePlan(vg);
  vg.nodes.forEach((node, n) => {
    const inputs = node.spec.inputs.map(value);
    const outputs = runReferenceKernel(node, inputs);
    node.spec.outputs.forEach((name, i) => env.set(name, outputs[i]!));
    options.onNode?.(node, inputs, outputs);
    for (const name of plan[n]!) env.delete(name);
  });
  const result: Record<string, HostTensor> = {};
  for (const name of vg.graph.outputs) {
    const t = value(name); // a graph output may be a weight that no node reads
    const info = vg.values.get(name)!;
    result[name] = options.float64 ? fromFloat64('float64', t.shape, t.data) : fromFloat64(info.dtype, t.shape, t.data);
  }
  return result;
}

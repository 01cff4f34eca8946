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

export function evaluateGraph(vg: ValidatedGraph, weights: WeightStore, feeds: Readonly<Record<string, HostTensor>>, options: EvaluateOptions = {}): Record<string, HostTensor> {
  checkFeeds(vg, feeds);
  const env = new Map<string, F64Tensor>();
  for (const input of vg.graph.inputs) env.set(input.name, { shape: input.shape, data: toFloat64(feeds[input.name]!) });
  for (const name of vg.weightNames) {
    const w = weights.get(name);
    if (w === undefined) throw new SkipconnError('INPUT_INVALID', `weight '${name}' is missing from the weight store`);
    env.set(name, { shape: w.shape, data: toFloat64(w) });
  }
  for (const node of vg.nodes) {
    const inputs = node.spec.inputs.map((name) => env.get(name)!);
    const outputs = runReferenceKernel(node, inputs);
    node.spec.outputs.forEach((name, i) => env.set(name, outputs[i]!));
    options.onNode?.(node, inputs, outputs);
  }
  const result: Record<string, HostTensor> = {};
  for (const name of vg.graph.outputs) {
    const t = env.get(name)!;
    const info = vg.values.get(name)!;
    result[name] = options.float64 ? fromFloat64('float64', t.shape, t.data) : fromFloat64(info.dtype, t.shape, t.data);
  }
  return result;
}

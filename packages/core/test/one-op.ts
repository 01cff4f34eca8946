/** Shared by the op unit tests: a graph of one node, evaluated, or expected to fail validation. */
import { GraphBuilder, GraphError, evaluateGraph, type Attrs, type DType, type HostTensor } from '../src';

/** Evaluates `op` on x (one input 'x', node 'y'); in float64 when x is float64, so feeds are exact. */
export function evaluateOneOp(op: string, x: HostTensor, attrs: Attrs): HostTensor {
  const b = new GraphBuilder(`${op}-case`);
  b.output(b.node(op, [b.input('x', x.shape, { dtype: x.dtype })], attrs, 'y'));
  const { validated, weights } = b.build();
  return evaluateGraph(validated, weights, { x }, { float64: x.dtype === 'float64' })['y']!;
}

/** The GraphError that building `op` over an input of `shape` gives; fails the test when it builds. */
export function oneOpBuildError(op: string, shape: readonly number[], attrs: Attrs, dtype: DType = 'float32'): GraphError {
  const b = new GraphBuilder('bad');
  b.output(b.node(op, [b.input('x', shape, { dtype })], attrs, 'y'));
  try {
    b.build();
  } catch (err) {
    if (err instanceof GraphError) return err;
    throw err;
  }
  throw new Error(`expected ${op} with ${JSON.stringify(attrs)} over [${shape.join(', ')}] to fail validation`);
}

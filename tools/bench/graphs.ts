/**
 * The benchmark's blocks. Each comes in the form skipconn writes it (merge ops, fused by the
 * adapter) and, where it differs, "decomposed": the same arithmetic from elementwise ops only, as
 * an exporter without merge ops would write it (ONNX Mul/Add/Relu, Sigmoid/Sub for highway).
 */
import { GraphBuilder, blocks, randomTensor, tensor, type BuiltGraph, type HostTensor, type Layout } from '@skipconn/core';

export interface BenchGraph {
  readonly built: BuiltGraph;
  readonly feeds: Record<string, HostTensor>;
}

function finish(b: GraphBuilder, out: string, feeds: Record<string, HostTensor>): BenchGraph {
  b.output(out);
  return { built: b.build(), feeds };
}

/** y = act(alpha*x + beta*f) as one residual merge. */
export function residual(shape: number[], alpha: number, beta: number, activation: 'none' | 'relu'): BenchGraph {
  const b = new GraphBuilder('residual');
  const x = b.input('x', shape);
  const f = b.input('f', shape);
  return finish(b, b.node('residual', [x, f], { alpha, beta, activation }, 'y'), { x: randomTensor(shape, 1), f: randomTensor(shape, 2) });
}

/** The same residual from mul, mul, add, relu. */
export function residualDecomposed(shape: number[], alpha: number, beta: number, activation: 'none' | 'relu'): BenchGraph {
  const b = new GraphBuilder('residual-decomposed');
  const x = b.input('x', shape);
  const f = b.input('f', shape);
  const a = b.node('mul', [x, b.weight('alpha', tensor('float32', [], [alpha]))], {}, 'ax');
  const bf = b.node('mul', [f, b.weight('beta', tensor('float32', [], [beta]))], {}, 'bf');
  let y = b.node('add', [a, bf], {}, 'sum');
  if (activation === 'relu') y = b.node('relu', [y], {}, 'relu');
  return finish(b, y, { x: randomTensor(shape, 1), f: randomTensor(shape, 2) });
}

export function highway(shape: number[], decomposed: boolean): BenchGraph {
  const b = new GraphBuilder('highway');
  const x = b.input('x', shape);
  const h = b.input('h', shape);
  const t = b.input('t', shape);
  const feeds = { x: randomTensor(shape, 1), h: randomTensor(shape, 2), t: randomTensor(shape, 3) };
  if (!decomposed) return finish(b, b.node('highway', [x, h, t], {}, 'y'), feeds);
  const T = b.node('sigmoid', [t], {}, 'T');
  const C = b.node('sub', [b.weight('one', tensor('float32', [], [1])), T], {}, 'C');
  return finish(b, b.node('add', [b.node('mul', [T, h], {}, 'Th'), b.node('mul', [C, x], {}, 'Cx')], {}, 'y'), feeds);
}

export function block(name: string, shape: number[], layout: Layout, make: (b: GraphBuilder, x: string) => string): BenchGraph {
  const b = new GraphBuilder(name);
  const x = b.input('x', shape, { layout });
  return finish(b, make(b, x), { x: randomTensor(shape, 1) });
}

export interface Sizes {
  readonly flat: number;
  readonly image: readonly [number, number, number, number];
  readonly highway: readonly [number, number];
  readonly transformer: { readonly batch: number; readonly tokens: number; readonly width: number; readonly heads: number };
  readonly dense: { readonly shape: readonly [number, number, number, number]; readonly growth: number; readonly layers: number };
}

/** Full sizes for a real GPU (ResNet stage-1 shapes, DenseNet-121's first block without bottlenecks). */
export const FULL: Sizes = {
  flat: 16 * 1024 * 1024,
  image: [1, 64, 56, 56],
  highway: [256, 1024],
  transformer: { batch: 8, tokens: 128, width: 256, heads: 4 },
  dense: { shape: [1, 64, 56, 56], growth: 32, layers: 6 },
};

/** Small sizes for software rasterizers (SwiftShader) and quick checks. */
export const QUICK: Sizes = {
  flat: 1024 * 1024,
  image: [1, 16, 28, 28],
  highway: [64, 256],
  transformer: { batch: 2, tokens: 32, width: 64, heads: 2 },
  dense: { shape: [1, 16, 28, 28], growth: 8, layers: 6 },
};

export { blocks };

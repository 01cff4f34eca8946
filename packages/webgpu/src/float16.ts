/**
 * float16 graphs on float32 kernels. WebGPU's `shader-f16` is optional (SwiftShader and many
 * drivers lack it), so a float16 graph is decoded at the boundary, computed in float32 and its
 * outputs rounded to float16 by core's tensor() (adapter.ts): float32 accumulation with a float16
 * store, which is what the spec's float16 tolerance allows (docs/spec.md) and what tfjs does too.
 */
import { float32Values, validateGraph, type DType, type Graph, type HostTensor, type ValidatedGraph, type WeightStore } from '@skipconn/core';

/** The dtypes a graph may hold on this adapter (int32 in i32 buffers, at the ops WEBGPU_INT32_OPS names). */
export const WEBGPU_DTYPES: readonly DType[] = ['float32', 'float16', 'int32'];

const asFloat32 = <T extends { readonly dtype: DType }>(v: T): T => (v.dtype === 'float16' ? { ...v, dtype: 'float32' } : v);

/** The same graph with every float16 input and weight declared float32 (vg itself when it has none). */
export function float32Graph(vg: ValidatedGraph): ValidatedGraph {
  const g = vg.graph;
  if (!g.inputs.some((i) => i.dtype === 'float16') && !g.weights.some((w) => w.dtype === 'float16')) return vg;
  const promoted: Graph = { ...g, inputs: g.inputs.map(asFloat32), weights: g.weights.map(asFloat32) };
  return validateGraph(promoted);
}

/** Weights with every float16 one decoded to float32 (float32 and int32 ones as they are). */
export function float32Weights(vg: ValidatedGraph, weights: WeightStore): WeightStore {
  const out = new Map<string, HostTensor>();
  for (const name of vg.weightNames) {
    const w = weights.get(name);
    if (w !== undefined) out.set(name, w.dtype === 'float16' ? { dtype: 'float32', shape: w.shape, data: float32Values(w) } : w);
  }
  return out;
}

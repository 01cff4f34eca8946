/**
 * Weights stored on the GPU as float16: two halves per u32 word, read with WGSL's core built-in
 * `unpack2x16float` (no `shader-f16` needed) and accumulated in float32. A weight qualifies only
 * where every kernel binding it reads it through `weightAt` / `weightVec4At` (kernels/wgsl.ts): the matrix of
 * dense (also on the matrix-vector kernel), matmul's right operand and conv2d's filter. A weight
 * read anywhere else (an elementwise leaf, a concat member, a graph output, a bias) stays float32.
 */
import { float32ToFloat16Bits, type OpType, type ValidatedGraph } from '@skipconn/core';

/** The (op, input index) pairs whose kernels read that input through `weightAt`. */
const HALF_READERS: Readonly<Partial<Record<OpType, number>>> = { dense: 1, matmul: 1, conv2d: 1 };

/** The weights among `candidates` that every reader reads as a packed-float16 operand. */
export function halfWeightNames(vg: ValidatedGraph, candidates: Iterable<string>): Set<string> {
  const eligible = new Set<string>();
  for (const name of candidates) if (vg.weightNames.has(name)) eligible.add(name);
  for (const name of vg.graph.outputs) eligible.delete(name);
  for (const node of vg.nodes) {
    node.spec.inputs.forEach((input, i) => {
      if (HALF_READERS[node.type] !== i) eligible.delete(input);
    });
  }
  return eligible;
}

/** float32 values rounded to float16 (to nearest even) and packed two per word, low half first; an odd count leaves the last high half 0. */
export function packHalves(values: Float32Array): Uint32Array {
  const words = new Uint32Array(Math.ceil(values.length / 2));
  for (let i = 0; i < values.length; i += 2) {
    const lo = float32ToFloat16Bits(values[i]!);
    const hi = i + 1 < values.length ? float32ToFloat16Bits(values[i + 1]!) : 0;
    words[i >> 1] = (lo | (hi << 16)) >>> 0;
  }
  return words;
}

/**
 * matmul with NumPy semantics (core/ops/matmul.ts) as a tiled matrix product (gemm.ts). The plan
 * hands over views already promoted and broadcast to the full [batch..., M, K], [batch..., K, N]
 * and [batch..., M, N] (stride 0 on broadcast and promoted axes).
 */
import { epilogueStore, type FusedExpr } from './conv2d';
import { gemmBody, gemmEntry, gemmShared, gemmTiles } from './gemm';
import { addr, bindings, defineShader, weightAt, load, mathLibrary, type ShaderSpec, type ViewSpec } from './wgsl';

export interface MatmulSpec extends ShaderSpec {
  readonly a: ViewSpec;
  readonly b: ViewSpec;
  readonly out: ViewSpec;
  readonly epi?: FusedExpr;
}

export function matmulTiles(full: readonly number[], k: number): number {
  const r = full.length;
  return gemmTiles({ batch: full.slice(0, -2), m: full[r - 2]!, n: full[r - 1]!, k, a: () => '', b: () => '', store: () => [] });
}

export const matmulShader = defineShader<MatmulSpec>('matmul', (spec) => {
  const { a, b, out, epi } = spec;
  const r = out.shape.length;
  const batch = out.shape.slice(0, -2);
  const bc = batch.map((_, i) => `bb${i}`);
  const parts = {
    batch,
    m: out.shape[r - 2]!,
    n: out.shape[r - 1]!,
    k: a.shape[r - 1]!,
    a: (row: string, kk: string) => load(a, [...bc, row, kk]),
    b: (kk: string, col: string) => weightAt(spec, b.b, addr(b, [...bc, kk, col])),
    store: (row: string, col: string, value: string) => epilogueStore(epi, out, value, [...bc, row, col]),
  };
  return `${bindings(spec)}
${mathLibrary()}
${gemmShared()}
${gemmEntry(spec.gx, gemmTiles(parts), gemmBody(parts))}
`;
});

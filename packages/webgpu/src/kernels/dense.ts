/**
 * dense: y[..., o] = sum_k x[..., k] * w[o, k] + b[o] (core/ops/dense.ts) as a tiled matrix
 * product (gemm.ts): rows are x's leading axes flattened, decomposed per row so x may be a
 * strided view (a concat slice). Epilogue fusion as in conv2d (activation, residual add, ...).
 */
import { epilogueStore, type FusedExpr } from './conv2d';
import { gemmBody, gemmEntry, gemmShared, gemmTiles } from './gemm';
import { bindings, defineShader, weightAt, load, mathLibrary, u, unravel, type ShaderSpec, type ViewSpec } from './wgsl';

export interface DenseSpec extends ShaderSpec {
  readonly x: ViewSpec;
  readonly out: ViewSpec;
  readonly w: { readonly b: number; readonly off: number };
  readonly bias?: { readonly b: number; readonly off: number };
  readonly epi?: FusedExpr;
}

export function denseTiles(out: readonly number[], inFeatures: number): number {
  const m = out.slice(0, -1).reduce((a, b) => a * b, 1);
  return gemmTiles({ batch: [], m, n: out[out.length - 1]!, k: inFeatures, a: () => '', b: () => '', store: () => [] });
}

export const denseShader = defineShader<DenseSpec>('dense', (spec) => {
  const { x, out, w, bias, epi } = spec;
  const rank = out.shape.length;
  const lead = out.shape.slice(0, -1);
  const k = x.shape[rank - 1]!;
  const n = out.shape[rank - 1]!;
  const m = lead.reduce((a, b) => a * b, 1);
  const leadCoords = (p: string) => lead.map((_, a) => `${p}${a}`);
  const parts = {
    batch: [],
    m,
    n,
    k,
    rowSetup: (row: string, p: string) => unravel(lead, `min(${row}, ${u(Math.max(0, m - 1))})`, p),
    a: (_row: string, kk: string) => load(x, [...leadCoords('ra'), kk]),
    b: (kk: string, col: string) => weightAt(spec, w.b, `${u(w.off)} + ${col} * ${u(k)} + ${kk}`),
    store: (_row: string, col: string, value: string) => [
      bias === undefined ? `let r = ${value};` : `let r = ${value} + b${bias.b}[${u(bias.off)} + ${col}];`,
      ...epilogueStore(epi, out, 'r', [...leadCoords('ra'), col]),
    ],
  };
  return `${bindings(spec)}
${mathLibrary()}
${gemmShared()}
${gemmEntry(spec.gx, gemmTiles(parts), gemmBody(parts))}
`;
});

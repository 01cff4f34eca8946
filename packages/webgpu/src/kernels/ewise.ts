/**
 * The elementwise kernel: one thread per output element evaluates a fused expression over its
 * leaves and writes the result once. Every elementwise op, residual, highway, gate, batchNorm,
 * copy (concat members, transposes, reshapes of strided views) and any fusion of them runs here,
 * so each is a single pass over memory.
 *
 * Leaves are views aligned to the output's shape (stride 0 on broadcast axes). When every view
 * is dense over the output's shape (or a scalar) the flat index addresses them directly; when in
 * addition the element count and offsets are multiples of 4, each thread handles a vec4.
 */
import { stridesOf } from '@skipconn/core';
import { emitExpr, type Expr } from './expr';
import { bindings, defineShader, elemOf, itemEntry, load, mathLibrary, u, unravel, type ShaderSpec, type ViewSpec } from './wgsl';

export interface EwiseSpec extends ShaderSpec {
  readonly out: ViewSpec;
  readonly leaves: readonly ViewSpec[];
  readonly expr: Expr;
  /** Threads handle vec4s (see ewiseVectorizable). */
  readonly vec: boolean;
}

/** Strides equal row-major strides wherever the axis has more than one element. */
export function isDenseView(v: { shape: readonly number[]; strides: readonly number[] }): boolean {
  const d = stridesOf(v.shape);
  return v.shape.every((n, a) => n <= 1 || v.strides[a] === d[a]);
}

export function isScalarView(v: { shape: readonly number[]; strides: readonly number[] }): boolean {
  return v.shape.every((n, a) => n <= 1 || v.strides[a] === 0);
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Whether the vec4 path applies to these views, and which bindings it declares as vec4. */
export function ewiseVectorizable(out: ViewSpec, leaves: readonly ViewSpec[]): { vec: boolean; vecBindings: Set<number> } {
  const none = { vec: false, vecBindings: new Set<number>() };
  const total = sizeOf(out.shape);
  if (total === 0 || total % 4 !== 0 || !isDenseView(out) || out.off % 4 !== 0) return none;
  const vecB = new Set<number>([out.b]);
  const scalarB = new Set<number>();
  for (const l of leaves) {
    if (isScalarView(l)) scalarB.add(l.b);
    else if (isDenseView(l) && l.off % 4 === 0) vecB.add(l.b);
    else return none;
  }
  for (const b of scalarB) if (vecB.has(b)) return none;
  return { vec: true, vecBindings: vecB };
}

export const ewiseShader = defineShader<EwiseSpec>('ewise', (spec) => {
  const { out, leaves, expr, vec } = spec;
  const total = sizeOf(out.shape);
  const flat = [out, ...leaves].every((v) => isDenseView(v) || isScalarView(v));
  const body: string[] = [];
  let leafAt: (i: number) => string;
  let store: (value: string) => string;
  if (vec) {
    leafAt = (i) => {
      const l = leaves[i]!;
      return isScalarView(l) ? `vec4<${elemOf(spec, l.b)}>(b${l.b}[${u(l.off)}])` : `b${l.b}[${u(l.off / 4)} + gi]`;
    };
    store = (v) => `b${out.b}[${u(out.off / 4)} + gi] = ${v};`;
  } else if (flat) {
    leafAt = (i) => {
      const l = leaves[i]!;
      return isScalarView(l) ? `b${l.b}[${u(l.off)}]` : `b${l.b}[${u(l.off)} + gi]`;
    };
    store = (v) => `b${out.b}[${u(out.off)} + gi] = ${v};`;
  } else {
    body.push(...unravel(out.shape, 'gi', 'c'));
    const coords = out.shape.map((_, a) => `c${a}`);
    leafAt = (i) => load(leaves[i]!, coords);
    store = (v) => `${load(out, coords)} = ${v};`;
  }
  const t = vec ? 'vec4<f32>' : 'f32';
  const { code, result } = emitExpr(expr, t, 'e', leafAt);
  body.push(...code, store(result));
  return `${bindings(spec)}
${mathLibrary([t])}
${itemEntry(spec, vec ? total / 4 : total, body)}
`;
});

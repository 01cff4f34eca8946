/**
 * dense: y[..., o] = sum_k x[..., k] * w[o, k] + b[o] (core/ops/dense.ts), one thread per output
 * element. x may be a strided view (a concat slice); leading axes are decomposed from the
 * output's coordinates. Epilogue fusion as in conv2d (activation, residual add, ...).
 */
import { epilogueStore, type FusedExpr } from './conv2d';
import { bindings, defineShader, itemEntry, load, mathLibrary, u, unravel, type ShaderSpec, type ViewSpec } from './wgsl';

export interface DenseSpec extends ShaderSpec {
  readonly x: ViewSpec;
  readonly out: ViewSpec;
  readonly w: { readonly b: number; readonly off: number };
  readonly bias?: { readonly b: number; readonly off: number };
  readonly epi?: FusedExpr;
}

export const denseShader = defineShader<DenseSpec>('dense', (spec) => {
  const { x, out, w, bias, epi } = spec;
  const rank = out.shape.length;
  const k = x.shape[rank - 1]!;
  const total = out.shape.reduce((a, b) => a * b, 1);
  const coords = out.shape.map((_, a) => `c${a}`);
  const o = coords[rank - 1]!;
  const xc = [...coords.slice(0, -1), 'k'];
  const body = [
    ...unravel(out.shape, 'gi', 'c'),
    `let wrow = ${u(w.off)} + ${o} * ${u(k)};`,
    'var acc = 0.0;',
    `for (var k = 0u; k < ${u(k)}; k++) {`,
    `  acc += ${load(x, xc)} * b${w.b}[wrow + k];`,
    '}',
    bias === undefined ? 'let r = acc;' : `let r = acc + b${bias.b}[${u(bias.off)} + ${o}];`,
    ...epilogueStore(epi, out, 'r', coords),
  ];
  return `${bindings(spec)}
${mathLibrary()}
${itemEntry(spec, total, body)}
`;
});

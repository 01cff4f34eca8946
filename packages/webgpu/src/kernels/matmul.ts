/**
 * matmul with NumPy semantics (core/ops/matmul.ts), one thread per output element. The plan
 * hands over views already promoted and broadcast to the full [batch..., M, K], [batch..., K, N]
 * and [batch..., M, N] (stride 0 on broadcast and promoted axes), so the kernel only loops over K.
 */
import { epilogueStore, type FusedExpr } from './conv2d';
import { bindings, defineShader, itemEntry, load, mathLibrary, u, unravel, type ShaderSpec, type ViewSpec } from './wgsl';

export interface MatmulSpec extends ShaderSpec {
  readonly a: ViewSpec;
  readonly b: ViewSpec;
  readonly out: ViewSpec;
  readonly epi?: FusedExpr;
}

export const matmulShader = defineShader<MatmulSpec>('matmul', (spec) => {
  const { a, b, out, epi } = spec;
  const rank = out.shape.length;
  const k = a.shape[rank - 1]!;
  const total = out.shape.reduce((x, y) => x * y, 1);
  const coords = out.shape.map((_, i) => `c${i}`);
  const batch = coords.slice(0, -2);
  const body = [
    ...unravel(out.shape, 'gi', 'c'),
    'var acc = 0.0;',
    `for (var k = 0u; k < ${u(k)}; k++) {`,
    `  acc += ${load(a, [...batch, coords[rank - 2]!, 'k'])} * ${load(b, [...batch, 'k', coords[rank - 1]!])};`,
    '}',
    ...epilogueStore(epi, out, 'acc', coords),
  ];
  return `${bindings(spec)}
${mathLibrary()}
${itemEntry(spec, total, body)}
`;
});

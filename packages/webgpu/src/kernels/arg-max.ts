/**
 * argMax (core/ops/arg-max.ts), one thread per reduced row: walks the row along the axis and
 * writes the index as i32. The first maximum wins (only a strictly larger value replaces it, so
 * -0 and +0 tie), and on float32 rows a NaN, tested by its bits, is larger than every number: the
 * first one ends the walk. int32 rows have no NaN.
 */
import { addr, bindings, defineShader, elemOf, itemEntry, mathLibrary, u, unravel, type ShaderSpec, type ViewSpec } from './wgsl';

export interface ArgMaxSpec extends ShaderSpec {
  /** x with the reduced axis at size 1: the first element of each row. */
  readonly rows: ViewSpec;
  /** The output in the rows' shape (a dropped axis is back at size 1). */
  readonly out: ViewSpec;
  /** The reduced axis: its length and x's stride along it. */
  readonly length: number;
  readonly stride: number;
}

export const argMaxShader = defineShader<ArgMaxSpec>('argMax', (spec) => {
  const { rows, out, length, stride } = spec;
  const total = rows.shape.reduce((a, b) => a * b, 1);
  const coords = rows.shape.map((_, a) => `c${a}`);
  const float = elemOf(spec, rows.b) === 'f32';
  const at = (k: string): string => `b${rows.b}[base + ${k} * ${u(stride)}]`;
  const walk = [`for (var k = 1u; k < ${u(length)}; k++) {`, `  let v = ${at('k')};`, ...(float ? ['  if (is_nan(v)) { best = k; break; }'] : []), '  if (v > m) { m = v; best = k; }', '}'];
  const body = [
    ...unravel(rows.shape, 'gi', 'c'),
    `let base = ${addr(rows, coords)};`,
    'var best = 0u;',
    `var m = b${rows.b}[base];`,
    ...(float ? ['if (!is_nan(m)) {', ...walk.map((l) => `  ${l}`), '}'] : walk),
    `b${out.b}[${addr(out, coords)}] = i32(best);`,
  ];
  return `${bindings(spec)}
${mathLibrary()}
${itemEntry(spec, total, body)}
`;
});

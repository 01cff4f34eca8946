/**
 * softmax along one axis (core/ops/softmax.ts): one workgroup per row, three strided passes
 * (max, sum of exp(x - max), write). The max propagates NaN explicitly, since WGSL leaves max()
 * of a NaN to the implementation; an all -Infinity row gives NaN (exp(-inf - -inf)), as the
 * reference does. exp of a NaN is forced to NaN for the same reason.
 */
import { bindings, defineShader, load, mathLibrary, rowEntry, u, unravel, type ShaderSpec, type ViewSpec } from './wgsl';

export interface SoftmaxSpec extends ShaderSpec {
  readonly x: ViewSpec;
  readonly out: ViewSpec;
  readonly axis: number;
}

/** Tree reduction of `v` across the workgroup in `red`; leaves the result in red[0] for all lanes. */
export function reduce(wg: number, v: string, op: (a: string, b: string) => string, result: string): string[] {
  return [
    `red[lid.x] = ${v};`,
    'workgroupBarrier();',
    `for (var st = ${u(wg / 2)}; st > 0u; st = st >> 1u) {`,
    `  if (lid.x < st) { red[lid.x] = ${op('red[lid.x]', 'red[lid.x + st]')}; }`,
    '  workgroupBarrier();',
    '}',
    `let ${result} = red[0];`,
    'workgroupBarrier();',
  ];
}

export const softmaxShader = defineShader<SoftmaxSpec>('softmax', (spec) => {
  const { x, out, axis, wg } = spec;
  const len = x.shape[axis]!;
  const outer = x.shape.filter((_, a) => a !== axis);
  const rows = outer.reduce((a, b) => a * b, 1);
  const coords = x.shape.map((_, a) => (a === axis ? 'j' : `o${a < axis ? a : a - 1}`));
  const xv = load(x, coords);
  const body = [
    ...unravel(outer, 'row', 'o'),
    'var m = -bitcast<f32>(rt(0x7f800000u));',
    `for (var j = lid.x; j < ${u(len)}; j += ${u(wg)}) { m = nmax(m, ${xv}); }`,
    ...reduce(wg, 'm', (a, b) => `nmax(${a}, ${b})`, 'mx'),
    'var s = 0.0;',
    `for (var j = lid.x; j < ${u(len)}; j += ${u(wg)}) { s += exp_nan(${xv} - mx); }`,
    ...reduce(wg, 's', (a, b) => `${a} + ${b}`, 'total'),
    `for (var j = lid.x; j < ${u(len)}; j += ${u(wg)}) { ${load(out, coords)} = exp_nan(${xv} - mx) / total; }`,
  ];
  return `${bindings(spec)}
${mathLibrary()}
fn nmax(a: f32, b: f32) -> f32 { return select(select(b, a, a > b), nan_f(), is_nan(a) || is_nan(b)); }
// exp(NaN) is not NaN on every implementation (SwiftShader gives Infinity); the reference needs NaN.
fn exp_nan(d: f32) -> f32 { return select(exp(d), nan_f(), is_nan(d)); }
var<workgroup> red: array<f32, ${wg}>;
${rowEntry(spec, rows, body)}
`;
});

/**
 * layerNorm over the trailing axes (core/ops/layer-norm.ts), one workgroup per row, mean then
 * biased variance in two passes, as the reference.
 *
 * The fused residual + layerNorm kernel is this kernel with a prologue: the row's values are an
 * expression (e.g. alpha*x + beta*f) evaluated on the fly, and, for the pre-LN pattern where the
 * residual sum is also needed downstream, written to a second output in the same pass.
 */
import { emitExpr } from './expr';
import type { FusedExpr } from './conv2d';
import { reduce } from './softmax';
import { bindings, defineShader, lit, load, mathLibrary, rowEntry, u, unravel, type ShaderSpec, type ViewSpec } from './wgsl';

export interface LayerNormSpec extends ShaderSpec {
  readonly x?: ViewSpec;
  readonly out: ViewSpec;
  /** Number of leading (row) axes. */
  readonly axis: number;
  readonly epsilon: number;
  readonly scale?: { readonly b: number; readonly off: number };
  readonly bias?: { readonly b: number; readonly off: number };
  /** Row values as an expression over leaves in x's coordinates (replaces x). */
  readonly pro?: FusedExpr;
  /** Where the prologue's value is also stored (pre-LN: the residual sum). */
  readonly out2?: ViewSpec;
}

export const layerNormShader = defineShader<LayerNormSpec>('layerNorm', (spec) => {
  const { x, out, axis, wg, pro, out2 } = spec;
  const lead = out.shape.slice(0, axis);
  const inner = out.shape.slice(axis);
  const rows = lead.reduce((a, b) => a * b, 1);
  const len = inner.reduce((a, b) => a * b, 1);
  const coords = out.shape.map((_, a) => (a < axis ? `o${a}` : `i${a - axis}`));
  const value = (): string[] => {
    if (pro === undefined) return [`let v = ${load(x!, coords)};`];
    const { code, result } = emitExpr(pro.expr, 'f32', 'e', (i) => load(pro.leaves[i]!, coords));
    return [...code, `let v = ${result};`];
  };
  const loop = (inside: string[]): string[] => [
    `for (var j = lid.x; j < ${u(len)}; j += ${u(wg)}) {`,
    ...unravel(inner, 'j', 'i').map((l) => `  ${l}`),
    ...value().map((l) => `  ${l}`),
    ...inside.map((l) => `  ${l}`),
    '}',
  ];
  let y = '(v - mean) / denom';
  if (spec.scale !== undefined) y = `${y} * b${spec.scale.b}[${u(spec.scale.off)} + j]`;
  if (spec.bias !== undefined) y = `${y} + b${spec.bias.b}[${u(spec.bias.off)} + j]`;
  // The mean is taken of the values shifted by the row's first value: a constant row then has a
  // mean exactly equal to its value (x - mean = 0, as in float64), and large offsets cancel early.
  const first = (): string[] => {
    const coords0 = out.shape.map((_, a) => (a < axis ? `o${a}` : '0u'));
    if (pro === undefined) return [`let shift = ${load(x!, coords0)};`];
    const { code, result } = emitExpr(pro.expr, 'f32', 'z', (i) => load(pro.leaves[i]!, coords0));
    return [...code, `let shift = ${result};`];
  };
  const body = [
    ...unravel(lead, 'row', 'o'),
    ...first(),
    'var s = 0.0;',
    ...loop(['s += v - shift;']),
    ...reduce(wg, 's', (a, b) => `${a} + ${b}`, 'sum'),
    `let mean = shift + sum / ${lit(len)};`,
    'var q = 0.0;',
    ...loop(['q += (v - mean) * (v - mean);']),
    ...reduce(wg, 'q', (a, b) => `${a} + ${b}`, 'sq'),
    `let denom = sqrt(sq / ${lit(len)} + ${lit(spec.epsilon)});`,
    ...loop([`${load(out, coords)} = ${y};`, ...(out2 !== undefined ? [`${load(out2, coords)} = v;`] : [])]),
  ];
  return `${bindings(spec)}
${mathLibrary()}
var<workgroup> red: array<f32, ${wg}>;
${rowEntry(spec, rows, body)}
`;
});

/**
 * pad (core/ops/pad.ts), one thread per output element: constant, reflect (mirror without the
 * edge) or edge (repeat the edge) on the two spatial axes.
 */
import { outputCoords } from './conv2d';
import { bindings, defineShader, itemEntry, lit, load, mathLibrary, type ShaderSpec, type ViewSpec } from './wgsl';

export interface PadSpec extends ShaderSpec {
  readonly x: ViewSpec;
  readonly out: ViewSpec;
  readonly order: 'NCHW' | 'NHWC';
  /** [top, left] */
  readonly pads: readonly [number, number];
  readonly mode: 'constant' | 'reflect' | 'edge';
  readonly value: number;
}

function source(p: string, size: number, mode: PadSpec['mode']): string {
  if (mode === 'edge') return `clamp(${p}, 0, ${size - 1})`;
  if (mode === 'reflect') return `select(select(${p}, ${2 * (size - 1)} - ${p}, ${p} >= ${size}), -${p}, ${p} < 0)`;
  return p;
}

export const padShader = defineShader<PadSpec>('pad', (spec) => {
  const { x, out, mode } = spec;
  const [, , H, W] = x.shape as [number, number, number, number];
  const total = out.shape.reduce((a, b) => a * b, 1);
  const body = [
    ...outputCoords(out, spec.order, ['n', 'c', 'i', 'j']),
    `let ph = i32(i) - ${spec.pads[0]};`,
    `let pw = i32(j) - ${spec.pads[1]};`,
    `let sh = ${source('ph', H, mode)};`,
    `let sw = ${source('pw', W, mode)};`,
  ];
  if (mode === 'constant') {
    body.push(`var v = ${lit(spec.value)};`, `if (sh >= 0 && sh < ${H} && sw >= 0 && sw < ${W}) { v = ${load(x, ['n', 'c', 'u32(sh)', 'u32(sw)'])}; }`, `${load(out, ['n', 'c', 'i', 'j'])} = v;`);
  } else {
    body.push(`${load(out, ['n', 'c', 'i', 'j'])} = ${load(x, ['n', 'c', 'u32(sh)', 'u32(sw)'])};`);
  }
  return `${bindings(spec)}
${mathLibrary()}
${itemEntry(spec, total, body)}
`;
});

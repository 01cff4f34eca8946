/**
 * resize (core/ops/resize.ts), one thread per output element. The per-axis source indices and
 * bilinear weights are computed once on the host in float64, exactly as the reference computes
 * them, and uploaded as a table [loH, hiH, tH, loW, hiW, tW] (indices as exact f32 integers):
 * the coordinate transforms then cannot round differently on the GPU.
 */
import { outputCoords } from './conv2d';
import { bindings, defineShader, itemEntry, load, mathLibrary, u, type ShaderSpec, type ViewSpec } from './wgsl';

export interface ResizeSpec extends ShaderSpec {
  readonly x: ViewSpec;
  readonly out: ViewSpec;
  readonly order: 'NCHW' | 'NHWC';
  readonly table: { readonly b: number; readonly off: number };
  readonly nearest: boolean;
}

export const resizeShader = defineShader<ResizeSpec>('resize', (spec) => {
  const { x, out, table } = spec;
  const [, , oh, ow] = out.shape as [number, number, number, number];
  const total = out.shape.reduce((a, b) => a * b, 1);
  const t = (part: number, idx: string) => `b${table.b}[${u(table.off + part)} + ${idx}]`;
  const hBase = 0;
  const wBase = 3 * oh;
  const at = (h: string, w: string) => load(x, ['n', 'c', h, w]);
  const body = [...outputCoords(out, spec.order, ['n', 'c', 'i', 'j']), `let h0 = u32(${t(hBase, 'i')});`, `let w0 = u32(${t(wBase, 'j')});`];
  if (spec.nearest) {
    // One sample, never multiplied: an Infinity is copied, not turned into NaN.
    body.push(`${load(out, ['n', 'c', 'i', 'j'])} = ${at('h0', 'w0')};`);
  } else {
    body.push(
      `let h1 = u32(${t(hBase + oh, 'i')});`,
      `let th = ${t(hBase + 2 * oh, 'i')};`,
      `let w1 = u32(${t(wBase + ow, 'j')});`,
      `let tw = ${t(wBase + 2 * ow, 'j')};`,
      `let top = (1.0 - tw) * ${at('h0', 'w0')} + tw * ${at('h0', 'w1')};`,
      `let bottom = (1.0 - tw) * ${at('h1', 'w0')} + tw * ${at('h1', 'w1')};`,
      `${load(out, ['n', 'c', 'i', 'j'])} = (1.0 - th) * top + th * bottom;`,
    );
  }
  return `${bindings(spec)}
${mathLibrary()}
${itemEntry(spec, total, body)}
`;
});

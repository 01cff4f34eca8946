/**
 * conv2d, tiled: a workgroup computes an 8x8 tile of output pixels for `ob` output channels. For
 * every `cb` input channels it first stages the input patches the tile needs (with the prologue
 * applied, padding as 0) in workgroup memory, then every thread reads its windows from there; `cb`
 * channels per stage cut the workgroup barriers by that factor (two per stage). Each input
 * element is read from global memory, and its prologue evaluated, once per workgroup instead of
 * once per output that uses it; this matters most when the kernel also writes into the buffer it
 * reads (a DenseNet layer reading the concat buffer and writing its slice), where the binding is
 * read_write and the hardware's read-only caches do not apply.
 * Same semantics, views and fusion as conv2d.ts; used when the patch fits in workgroup memory.
 */
import { emitExpr } from './expr';
import { convGeometry, epilogueStore, type Conv2dSpec } from './conv2d';
import { bindings, defineShader, weightAt, load, mathLibrary, u, unravel } from './wgsl';

export const CONV_TILE = 8;

/** Floats of workgroup memory the staged patches may use (16 KiB, WebGPU's guaranteed minimum). */
export const CONV_STAGE_FLOATS = 4096;

export interface Conv2dTiledSpec extends Conv2dSpec {
  /** Input channels staged per barrier pair (divides the channels per group). */
  readonly cb: number;
}

/** Rows and columns of the input patch an output tile reads. */
export function convPatch(spec: Pick<Conv2dSpec, 'kernel' | 'strides' | 'dilations'>): [number, number] {
  return [(CONV_TILE - 1) * spec.strides[0] + (spec.kernel[0] - 1) * spec.dilations[0] + 1, (CONV_TILE - 1) * spec.strides[1] + (spec.kernel[1] - 1) * spec.dilations[1] + 1];
}

/** Workgroups of the tiled kernel. */
export function convTiles(out: readonly number[], ob: number): number {
  const [n, o, h, w] = out as [number, number, number, number];
  return n * (o / ob) * Math.ceil(h / CONV_TILE) * Math.ceil(w / CONV_TILE);
}

export const conv2dTiledShader = defineShader<Conv2dTiledSpec>('conv2dTiled', (spec) => {
  const { x, out, w, bias, pro, epi, ob, cb } = spec;
  const [N, , OH, OW] = out.shape as [number, number, number, number];
  const { H, W, O, kh, kw, sh, sw, pt, pl, dh, dw, cg, og } = convGeometry(spec);
  const [ph, pw] = convPatch(spec);
  const wg = CONV_TILE * CONV_TILE;
  const tiles = convTiles(out.shape, ob);
  const xc = ['n', 'c', 'u32(ih)', 'u32(iw)'];
  const patch = ph * pw;
  const body: string[] = [
    ...unravel([N, O / ob, Math.ceil(OH / CONV_TILE), Math.ceil(OW / CONV_TILE)], 't', 'q'),
    'let n = q0;',
    `let o = q1 * ${u(ob)};`,
    `let ly = lid.x / ${u(CONV_TILE)};`,
    `let lx = lid.x % ${u(CONV_TILE)};`,
    `let oh = q2 * ${u(CONV_TILE)} + ly;`,
    `let ow = q3 * ${u(CONV_TILE)} + lx;`,
    `let ih0 = i32(q2 * ${u(CONV_TILE * sh)}) - ${pt};`,
    `let iw0 = i32(q3 * ${u(CONV_TILE * sw)}) - ${pl};`,
    spec.groups === 1 ? 'let g0 = 0u;' : `let g0 = (o / ${u(og)}) * ${u(cg)};`,
    `var acc = array<f32, ${ob}>();`,
    `for (var c0 = 0u; c0 < ${u(cg)}; c0 += ${u(cb)}) {`,
    `  for (var j = lid.x; j < ${u(cb * patch)}; j += ${u(wg)}) {`,
    `    let c = g0 + c0 + j / ${u(patch)};`,
    `    let jp = j % ${u(patch)};`,
    `    let ih = ih0 + i32(jp / ${u(pw)});`,
    `    let iw = iw0 + i32(jp % ${u(pw)});`,
    '    var v = 0.0;',
    `    if (ih >= 0 && ih < ${H} && iw >= 0 && iw < ${W}) {`,
  ];
  if (pro === undefined) {
    body.push(`      v = ${load(x, xc)};`);
  } else {
    const { code, result } = emitExpr(pro.expr, 'f32', 'p', (i) => load(pro.leaves[i]!, xc), load(x, xc));
    body.push(...code.map((l) => `      ${l}`), `      v = ${result};`);
  }
  body.push(
    '    }',
    '    xs[j] = v;',
    '  }',
    '  workgroupBarrier();',
    `  for (var cj = 0u; cj < ${u(cb)}; cj++) {`,
    `    let wrow = ${u(w.off)} + (o * ${u(cg)} + c0 + cj) * ${u(kh * kw)};`,
    `    for (var p = 0u; p < ${u(kh)}; p++) {`,
    `      let xrow = cj * ${u(patch)} + (ly * ${u(sh)} + p * ${u(dh)}) * ${u(pw)} + lx * ${u(sw)};`,
    `      for (var r = 0u; r < ${u(kw)}; r++) {`,
    `        let v = xs[xrow + r * ${u(dw)}];`,
    `        let wk = wrow + p * ${u(kw)} + r;`,
  );
  for (let k = 0; k < ob; k++) body.push(`        acc[${k}] += v * ${weightAt(spec, w.b, `wk${k === 0 ? '' : ` + ${u(k * cg * kh * kw)}`}`)};`);
  body.push('      }', '    }', '  }', '  workgroupBarrier();', '}');
  body.push(`if (oh < ${u(OH)} && ow < ${u(OW)}) {`);
  for (let k = 0; k < ob; k++) {
    const ok = k === 0 ? 'o' : `(o + ${u(k)})`;
    body.push(bias === undefined ? `  let r${k} = acc[${k}];` : `  let r${k} = acc[${k}] + b${bias.b}[${u(bias.off)} + ${ok}];`);
    body.push(...epilogueStore(epi, out, `r${k}`, ['n', ok, 'oh', 'ow'], `y${k}_`).map((l) => `  ${l}`));
  }
  body.push('}');
  return `${bindings(spec)}
${mathLibrary()}
var<workgroup> xs: array<f32, ${cb * patch}>;
@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let t = wid.y * ${u(spec.gx)} + wid.x;
  if (t >= ${u(tiles)}) { return; }
${body.map((l) => `  ${l}`).join('\n')}
}
`;
});

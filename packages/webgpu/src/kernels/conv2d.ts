/**
 * conv2d: one thread per output element, a direct convolution (core/ops/conv2d.ts has the exact
 * semantics). Image views are canonical: shape [N, C, H, W] with the strides of the value's
 * layout, so NCHW and NHWC (and channel slices of a concat buffer) need no transpose; threads
 * walk the output in its memory order so that neighbouring threads write neighbouring addresses.
 *
 * Fusion: a prologue expression (e.g. DenseNet's batchNorm + relu before the conv) is applied to
 * every input element read inside the image, never to padding (which stays 0, as the separate ops
 * would give); an epilogue expression (bias, batchNorm, activation, residual add with the
 * shortcut) is applied to the accumulated sum before the one store.
 * Padded positions still multiply 0 by the weight, so a NaN weight poisons its outputs as in the
 * reference.
 */
import { emitExpr, invariantNodes, type Expr } from './expr';
import { bindings, defineShader, weightAt, itemEntry, load, mathLibrary, u, unravel, type ShaderSpec, type ViewSpec } from './wgsl';

/** Prologue/epilogue: an expression whose leaves are views in the kernel's canonical coordinates. */
export interface FusedExpr {
  readonly expr: Expr;
  readonly leaves: readonly ViewSpec[];
}

/** What conv2d and convTranspose2d kernels share: views, weights and window geometry. */
export interface ConvSpecBase extends ShaderSpec {
  /** Canonical [N, C, H, W] views. */
  readonly x: ViewSpec;
  readonly out: ViewSpec;
  /** Memory order of the output's layout: threads enumerate it so stores are coalesced. */
  readonly order: 'NCHW' | 'NHWC';
  readonly w: { readonly b: number; readonly off: number };
  readonly bias?: { readonly b: number; readonly off: number };
  readonly kernel: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly pads: readonly [number, number];
  readonly dilations: readonly [number, number];
  readonly groups: number;
  readonly epi?: FusedExpr;
}

export interface Conv2dSpec extends ConvSpecBase {
  /** Output channels per thread (divides outChannels/groups): each input value read, and its prologue, serves all of them. */
  readonly ob: number;
  readonly pro?: FusedExpr;
}

/** The sizes and window geometry every conv shader bakes in: input C, H, W, output channels O, channels per group. */
export function convGeometry(spec: ConvSpecBase) {
  const [, C, H, W] = spec.x.shape as [number, number, number, number];
  const [, O] = spec.out.shape as [number, number, number, number];
  const [kh, kw] = spec.kernel;
  const [sh, sw] = spec.strides;
  const [pt, pl] = spec.pads;
  const [dh, dw] = spec.dilations;
  return { C, H, W, O, kh, kw, sh, sw, pt, pl, dh, dw, cg: C / spec.groups, og: O / spec.groups };
}

/** Output coordinates n, o, oh, ow of thread `gi`, enumerated in the output layout's memory order. */
export function outputCoords(out: ViewSpec, order: 'NCHW' | 'NHWC', names: readonly [string, string, string, string], channelBlock = 1): string[] {
  const [n, c0, h, w] = out.shape as [number, number, number, number];
  const c = c0 / channelBlock;
  if (order === 'NCHW') {
    return unravel([n, c, h, w], 'gi', 'q').concat([`let ${names[0]} = q0;`, `let ${names[1]} = q1;`, `let ${names[2]} = q2;`, `let ${names[3]} = q3;`]);
  }
  return unravel([n, h, w, c], 'gi', 'q').concat([`let ${names[0]} = q0;`, `let ${names[1]} = q3;`, `let ${names[2]} = q1;`, `let ${names[3]} = q2;`]);
}

/** Statements applying an epilogue (or none) to `value` and storing the result at (n, o, oh, ow). */
export function epilogueStore(epi: FusedExpr | undefined, out: ViewSpec, value: string, coords: readonly string[], prefix = 'y'): string[] {
  if (epi === undefined) return [`${load(out, coords)} = ${value};`];
  const { code, result } = emitExpr(epi.expr, 'f32', prefix, (i) => load(epi.leaves[i]!, coords), value);
  return [...code, `${load(out, coords)} = ${result};`];
}

export const conv2dShader = defineShader<Conv2dSpec>('conv2d', (spec) => {
  const { x, out, w, bias, pro, epi } = spec;
  const { H, W, kh, kw, sh, sw, pt, pl, dh, dw, cg, og } = convGeometry(spec);
  const ob = spec.ob;
  const total = out.shape.reduce((a, b) => a * b, 1) / ob;
  const body: string[] = [...outputCoords(out, spec.order, ['n', 'oblk', 'oh', 'ow'], ob)];
  body.push(`let o = oblk * ${u(ob)};`);
  body.push(spec.groups === 1 ? 'let g0 = 0u;' : `let g0 = (o / ${u(og)}) * ${u(cg)};`);
  body.push(`var acc = array<f32, ${ob}>();`);
  body.push(`for (var ci = 0u; ci < ${u(cg)}; ci++) {`);
  body.push('  let c = g0 + ci;');
  body.push(`  let wrow = ${u(w.off)} + (o * ${u(cg)} + ci) * ${u(kh * kw)};`);
  // Prologue parts that depend on the channel only (batchNorm's per-channel factors) are computed
  // once per input channel, outside the kernel window loops.
  const xc = ['n', 'c', 'u32(ih)', 'u32(iw)'];
  const inv = pro === undefined ? [] : invariantNodes(pro.expr, (i) => pro.leaves[i]!.strides[2] === 0 && pro.leaves[i]!.strides[3] === 0);
  if (pro !== undefined) {
    const hoisted = emitExpr(
      pro.expr,
      'f32',
      'p',
      (i) => load(pro.leaves[i]!, ['n', 'c', '0u', '0u']),
      undefined,
      (i) => inv[i]!,
    );
    body.push(...hoisted.code.map((l) => `  ${l}`));
  }
  body.push(`  for (var p = 0u; p < ${u(kh)}; p++) {`);
  body.push(`    let ih = i32(oh * ${u(sh)} + p * ${u(dh)}) - ${pt};`);
  body.push(`    for (var q = 0u; q < ${u(kw)}; q++) {`);
  body.push(`      let iw = i32(ow * ${u(sw)} + q * ${u(dw)}) - ${pl};`);
  body.push('      var v = 0.0;');
  body.push(`      if (ih >= 0 && ih < ${H} && iw >= 0 && iw < ${W}) {`);
  if (pro === undefined) {
    body.push(`        v = ${load(x, xc)};`);
  } else {
    const { code, result } = emitExpr(
      pro.expr,
      'f32',
      'p',
      (i) => load(pro.leaves[i]!, xc),
      load(x, xc),
      (i) => !inv[i]!,
    );
    body.push(...code.map((l) => `        ${l}`), `        v = ${result};`);
  }
  body.push('      }');
  body.push(`      let wk = wrow + p * ${u(kw)} + q;`);
  for (let k = 0; k < ob; k++) body.push(`      acc[${k}] += v * ${weightAt(spec, w.b, `wk${k === 0 ? '' : ` + ${u(k * cg * kh * kw)}`}`)};`);
  body.push('    }', '  }', '}');
  for (let k = 0; k < ob; k++) {
    const ok = k === 0 ? 'o' : `(o + ${u(k)})`;
    body.push(bias === undefined ? `let r${k} = acc[${k}];` : `let r${k} = acc[${k}] + b${bias.b}[${u(bias.off)} + ${ok}];`);
    body.push(...epilogueStore(epi, out, `r${k}`, ['n', ok, 'oh', 'ow'], `y${k}_`));
  }
  return `${bindings(spec)}
${mathLibrary()}
${itemEntry(spec, total, body)}
`;
});

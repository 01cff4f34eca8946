/**
 * convTranspose2d as a gather (one thread per output element): output (oh, ow) receives
 * x[ih, iw] * w[c, o, p, q] wherever ih*stride - padTop + p*dilation = oh, which is the scatter
 * that defines the op (core/ops/conv-transpose2d.ts) read backwards, with no atomics.
 * Canonical [N, C, H, W] views as in conv2d; the same epilogue fusion applies.
 */
import { convGeometry, epilogueStore, outputCoords, type ConvSpecBase } from './conv2d';
import { bindings, defineShader, itemEntry, load, mathLibrary, u } from './wgsl';

export type ConvTranspose2dSpec = ConvSpecBase;

export const convTranspose2dShader = defineShader<ConvTranspose2dSpec>('convTranspose2d', (spec) => {
  const { x, out, w, bias, epi } = spec;
  const { H, W, kh, kw, sh, sw, pt, pl, dh, dw, cg, og } = convGeometry(spec);
  const total = out.shape.reduce((a, b) => a * b, 1);
  const body: string[] = [...outputCoords(out, spec.order, ['n', 'o', 'oh', 'ow'])];
  body.push(`let g = o / ${u(og)};`, `let oi = o - g * ${u(og)};`);
  body.push('var acc = 0.0;');
  body.push(`for (var ci = 0u; ci < ${u(cg)}; ci++) {`);
  body.push(`  let c = g * ${u(cg)} + ci;`);
  body.push(`  for (var p = 0; p < ${kh}; p++) {`);
  body.push(`    let th = i32(oh) + ${pt} - p * ${dh};`);
  body.push(`    if (th < 0 || th % ${sh} != 0 || th / ${sh} >= ${H}) { continue; }`);
  body.push(`    for (var q = 0; q < ${kw}; q++) {`);
  body.push(`      let tw = i32(ow) + ${pl} - q * ${dw};`);
  body.push(`      if (tw < 0 || tw % ${sw} != 0 || tw / ${sw} >= ${W}) { continue; }`);
  body.push(`      let wv = b${w.b}[${u(w.off)} + ((c * ${u(og)} + oi) * ${u(kh)} + u32(p)) * ${u(kw)} + u32(q)];`);
  body.push(`      acc += ${load(x, ['n', 'c', `u32(th / ${sh})`, `u32(tw / ${sw})`])} * wv;`);
  body.push('    }', '  }', '}');
  body.push(bias === undefined ? 'let r = acc;' : `let r = acc + b${bias.b}[${u(bias.off)} + o];`);
  body.push(...epilogueStore(epi, out, 'r', ['n', 'o', 'oh', 'ow']));
  return `${bindings(spec)}
${mathLibrary()}
${itemEntry(spec, total, body)}
`;
});

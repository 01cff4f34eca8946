/**
 * maxPool2d, one thread per output element (core/ops/max-pool2d.ts): only positions inside x are
 * read, so padding never wins; a NaN anywhere in the window makes the output NaN; an empty
 * window gives -Infinity. Ties keep the first element, as the reference does.
 */
import { outputCoords } from './conv2d';
import { bindings, defineShader, itemEntry, load, mathLibrary, type ShaderSpec, type ViewSpec } from './wgsl';

export interface MaxPool2dSpec extends ShaderSpec {
  readonly x: ViewSpec;
  readonly out: ViewSpec;
  readonly order: 'NCHW' | 'NHWC';
  readonly kernel: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly pads: readonly [number, number];
  readonly dilations: readonly [number, number];
}

export const maxPool2dShader = defineShader<MaxPool2dSpec>('maxPool2d', (spec) => {
  const { x, out } = spec;
  const [, , H, W] = x.shape as [number, number, number, number];
  const total = out.shape.reduce((a, b) => a * b, 1);
  const body = [
    ...outputCoords(out, spec.order, ['n', 'c', 'oh', 'ow']),
    'var m = -bitcast<f32>(rt(0x7f800000u));',
    'var seen_nan = false;',
    `for (var p = 0; p < ${spec.kernel[0]}; p++) {`,
    `  let ih = i32(oh) * ${spec.strides[0]} - ${spec.pads[0]} + p * ${spec.dilations[0]};`,
    `  if (ih < 0 || ih >= ${H}) { continue; }`,
    `  for (var q = 0; q < ${spec.kernel[1]}; q++) {`,
    `    let iw = i32(ow) * ${spec.strides[1]} - ${spec.pads[1]} + q * ${spec.dilations[1]};`,
    `    if (iw < 0 || iw >= ${W}) { continue; }`,
    `    let v = ${load(x, ['n', 'c', 'u32(ih)', 'u32(iw)'])};`,
    '    if (is_nan(v)) { seen_nan = true; } else if (v > m) { m = v; }',
    '  }',
    '}',
    `${load(out, ['n', 'c', 'oh', 'ow'])} = select(m, nan_f(), seen_nan);`,
  ];
  return `${bindings(spec)}
${mathLibrary()}
${itemEntry(spec, total, body)}
`;
});

/**
 * avgPool2d, one thread per output element (core/ops/avg-pool2d.ts): the sum of the real input
 * elements in the window over the divisor of the op's countIncludePad rule (window clipped to
 * the padded input, or the count of real elements).
 */
import { outputCoords } from './conv2d';
import { bindings, defineShader, itemEntry, load, mathLibrary, type ShaderSpec, type ViewSpec } from './wgsl';

export interface AvgPool2dSpec extends ShaderSpec {
  readonly x: ViewSpec;
  readonly out: ViewSpec;
  readonly order: 'NCHW' | 'NHWC';
  readonly kernel: readonly [number, number];
  readonly strides: readonly [number, number];
  /** [top, left, bottom, right] */
  readonly pads: readonly [number, number, number, number];
  readonly countIncludePad: boolean;
}

export const avgPool2dShader = defineShader<AvgPool2dSpec>('avgPool2d', (spec) => {
  const { x, out } = spec;
  const [, , H, W] = x.shape as [number, number, number, number];
  const [kh, kw] = spec.kernel;
  const [top, left, bottom, right] = spec.pads;
  const total = out.shape.reduce((a, b) => a * b, 1);
  const axis = (o: string, k: number, s: number, pb: number, pe: number, size: number, p: string) => [
    `let ${p}s = i32(${o}) * ${s} - ${pb};`,
    `let ${p}from = max(${p}s, 0);`,
    `let ${p}to = min(${p}s + ${k}, ${size});`,
    spec.countIncludePad ? `let ${p}n = min(${p}s + ${k}, ${size + pe}) - ${p}s;` : `let ${p}n = ${p}to - ${p}from;`,
  ];
  const body = [
    ...outputCoords(out, spec.order, ['n', 'c', 'oh', 'ow']),
    ...axis('oh', kh, spec.strides[0], top, bottom, H, 'r'),
    ...axis('ow', kw, spec.strides[1], left, right, W, 'k'),
    'var sum = 0.0;',
    'for (var ih = rfrom; ih < rto; ih++) {',
    '  for (var iw = kfrom; iw < kto; iw++) {',
    `    sum += ${load(x, ['n', 'c', 'u32(ih)', 'u32(iw)'])};`,
    '  }',
    '}',
    `${load(out, ['n', 'c', 'oh', 'ow'])} = sum / f32(rn * kn);`,
  ];
  return `${bindings(spec)}
${mathLibrary()}
${itemEntry(spec, total, body)}
`;
});

/**
 * globalAvgPool (core/ops/global-avg-pool.ts): one thread per (n, c) sums its H*W plane;
 * an empty plane gives 0/0 = NaN, the mean of nothing.
 */
import { bindings, defineShader, itemEntry, load, mathLibrary, u, unravel, type ShaderSpec, type ViewSpec } from './wgsl';

export interface GlobalAvgPoolSpec extends ShaderSpec {
  /** Canonical [N, C, H, W] input and [N, C, 1, 1] output. */
  readonly x: ViewSpec;
  readonly out: ViewSpec;
}

export const globalAvgPoolShader = defineShader<GlobalAvgPoolSpec>('globalAvgPool', (spec) => {
  const { x, out } = spec;
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const body = [
    ...unravel([n, c], 'gi', 'q'),
    'var sum = 0.0;',
    `for (var i = 0u; i < ${u(h)}; i++) {`,
    `  for (var j = 0u; j < ${u(w)}; j++) {`,
    `    sum += ${load(x, ['q0', 'q1', 'i', 'j'])};`,
    '  }',
    '}',
    h * w === 0 ? `${load(out, ['q0', 'q1', '0u', '0u'])} = nan_f();` : `${load(out, ['q0', 'q1', '0u', '0u'])} = sum / ${h * w}.0;`,
  ];
  return `${bindings(spec)}
${mathLibrary()}
${itemEntry(spec, n * c, body)}
`;
});

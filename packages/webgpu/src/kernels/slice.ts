/**
 * slice (core/ops/slice.ts), one thread per output element: a strided copy. The emitter passes
 * the input as a window view (offset at the lowest element read, each stride multiplied by the
 * step's size), so the shader only reverses the coordinates of the axes that walk backwards.
 */
import { bindings, defineShader, itemEntry, load, u, unravel, type ShaderSpec, type ViewSpec } from './wgsl';

export interface SliceSpec extends ShaderSpec {
  /** The input's elements that the slice reads, in the output's shape (positive strides). */
  readonly window: ViewSpec;
  readonly out: ViewSpec;
  /** Axes read backwards (negative steps): output index k reads window index size - 1 - k. */
  readonly reversed: readonly number[];
}

export const sliceShader = defineShader<SliceSpec>('slice', (spec) => {
  const { window, out, reversed } = spec;
  const total = out.shape.reduce((a, b) => a * b, 1);
  const coords = out.shape.map((_, a) => `q${a}`);
  const from = coords.map((q, a) => (reversed.includes(a) ? `(${u(out.shape[a]! - 1)} - ${q})` : q));
  return `${bindings(spec)}
${itemEntry(spec, total, [...unravel(out.shape, 'gi', 'q'), `${load(out, coords)} = ${load(window, from)};`])}
`;
});

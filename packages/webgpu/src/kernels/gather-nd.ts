/**
 * gatherNd (core/ops/gather-nd.ts), one thread per output element: the output's leading axes
 * pick a coordinate (the last axis of the i32 indices, K long) into x's first K axes, its other
 * axes walk the slice there. An index outside its axis is undefined in the IR; here it is clamped
 * to the axis, so a read never leaves x's own elements. x is f32 or i32: the element is copied.
 */
import { addr, bindings, defineShader, itemEntry, u, unravel, type ShaderSpec, type ViewSpec } from './wgsl';

export interface GatherNdSpec extends ShaderSpec {
  readonly x: ViewSpec;
  /** indices, [...batch, K]. */
  readonly indices: ViewSpec;
  /** [...batch, ...x.shape[K:]]. */
  readonly out: ViewSpec;
}

export const gatherNdShader = defineShader<GatherNdSpec>('gatherNd', (spec) => {
  const { x, indices, out } = spec;
  const total = out.shape.reduce((a, b) => a * b, 1);
  const batch = indices.shape.length - 1;
  const k = indices.shape[batch]!;
  const q = out.shape.map((_, a) => `q${a}`);
  const body = [...unravel(out.shape, 'gi', 'q')];
  const xc: string[] = [];
  for (let a = 0; a < k; a++) {
    const at = addr(indices, [...q.slice(0, batch), `${u(a)}`]);
    body.push(`let x${a} = u32(clamp(b${indices.b}[${at}], 0, ${x.shape[a]! - 1}));`);
    xc.push(`x${a}`);
  }
  xc.push(...q.slice(batch));
  body.push(`b${out.b}[${addr(out, q)}] = b${x.b}[${addr(x, xc)}];`);
  return `${bindings(spec)}
${itemEntry(spec, total, body)}
`;
});

/**
 * The matrix-vector call shared by dense and matmul when their product has one row (see
 * kernels/gemv.ts): views arrive in the operator's own shapes and leave as the kernel's
 * [batch..., k], [batch..., k, n] and [batch..., n].
 */
import { GEMV_WG, gemvShader, planGemv, type GemvOperands } from '../../kernels/gemv';
import { geometry, type ViewSpec } from '../../kernels/wgsl';
import type { Binder } from '../binding';
import type { EmitContext } from './context';

/** The view without the axes in `drop`, each of which must have one element. */
export function dropAxes(v: ViewSpec, drop: readonly number[]): ViewSpec {
  for (const a of drop) if (v.shape[a] !== 1) throw new Error(`internal: dropping axis ${a} of a view shaped [${v.shape.join(',')}], expected size 1`);
  const keep = (_: number, a: number): boolean => !drop.includes(a);
  return { b: v.b, off: v.off, shape: v.shape.filter(keep), strides: v.strides.filter(keep) };
}

export function emitGemv(label: string, binder: Binder, ctx: EmitContext, o: GemvOperands): void {
  const scalar = [o.out.b, ...(o.bias ? [o.bias.b] : []), ...(o.epi?.leaves.map((l) => l.b) ?? [])];
  const plan = planGemv(o.batch, o.k, o.n, o.x, o.w, scalar);
  ctx.call(
    label,
    gemvShader,
    binder,
    {
      bindings: binder.bindings(new Set(plan.vecBindings)),
      wg: GEMV_WG,
      gx: geometry(plan.groups).gx,
      ...o,
      form: plan.form,
      lanes: plan.lanes,
      vec4: plan.vec4,
    },
    plan.groups,
  );
}

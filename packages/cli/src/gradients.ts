/**
 * `inspect --gradients`: gradient norms at every skip, differentiated by tfjs:cpu (see
 * @skipconn/tfjs gradientFlow), for the model as it is and with every residual shortcut cut.
 * Where tfjs cannot differentiate the model (an op without a gradient, a dtype tfjs does not
 * compute in, tfjs not installed), the report says so and why instead of failing the command.
 */
import { SkipconnError, validateGraph, type HostTensor, type SkipConnection } from '@skipconn/core';
import type { LoadedModel } from './model';
import { loadTfjs } from './port-tfjs';

export const GRADIENT_RUNTIME = 'tfjs:cpu';

export interface SkipGradient {
  /** L2 norm of dL/d(from), the gradient reaching the fork through both paths. */
  readonly fork: number;
  /** L2 norm of dL/d(input) per data input of the merge (residual: [shortcut, body]). */
  readonly inputs: number[];
  /** The same with every residual shortcut cut (alpha = 0). */
  readonly forkSkipsRemoved: number;
  readonly inputsSkipsRemoved: number[];
}

export type GradientSummary =
  | { readonly available: true; readonly runtime: string; readonly loss: string; readonly value: number; readonly valueSkipsRemoved: number }
  | { readonly available: false; readonly runtime: string; readonly reason: string };

export async function inspectGradients(model: LoadedModel, feeds: Readonly<Record<string, HostTensor>>, skips: readonly SkipConnection[]): Promise<{ summary: GradientSummary; perSkip: (SkipGradient | null)[] }> {
  try {
    const tfjs = await loadTfjs('--gradients');
    const runtime = { tf: await tfjs.TFJS_CPU.load(), backend: 'cpu' };
    const full = await tfjs.gradientFlow(runtime, model.validated, model.weights, feeds, skips);
    const cut = validateGraph(tfjs.cutResidualShortcuts(model.graph));
    const removed = await tfjs.gradientFlow(runtime, cut, model.weights, feeds, skips);
    return {
      summary: { available: true, runtime: GRADIENT_RUNTIME, loss: 'L = 1/2 * sum of squares of every output element', value: full.loss, valueSkipsRemoved: removed.loss },
      perSkip: full.merges.map((m, i) => ({ fork: m.fork, inputs: m.inputs, forkSkipsRemoved: removed.merges[i]!.fork, inputsSkipsRemoved: removed.merges[i]!.inputs })),
    };
  } catch (err) {
    if (!(err instanceof SkipconnError)) throw err;
    return { summary: { available: false, runtime: GRADIENT_RUNTIME, reason: err.message }, perSkip: skips.map(() => null) };
  }
}

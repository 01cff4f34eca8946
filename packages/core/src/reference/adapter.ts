/** The 'reference' adapter: the float64 evaluator behind the common adapter interface. */
import type { Adapter, CompiledGraph } from '../adapter/types';
import { evaluateGraph } from './evaluate';
import { REFERENCE_KERNELS } from './kernels';
import { unsupportedReason } from '../ops';

export const REFERENCE_ADAPTER = 'reference';

export function createReferenceAdapter(): Adapter {
  let live = 0;
  return {
    name: REFERENCE_ADAPTER,
    async init() {},
    whyUnsupported(op) {
      // Every dtype: the evaluator computes in float64 and rounds to each output's dtype.
      return unsupportedReason(REFERENCE_KERNELS, op);
    },
    async compile(graph, weights) {
      live++;
      let disposed = false;
      const compiled: CompiledGraph = {
        info: { backend: 'reference (float64, plain TypeScript)' },
        async run(feeds) {
          return evaluateGraph(graph, weights, feeds);
        },
        async dispose() {
          if (!disposed) live--;
          disposed = true;
        },
      };
      return compiled;
    },
    resources() {
      return { compiledGraphs: live };
    },
    async dispose() {},
  };
}

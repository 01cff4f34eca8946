/** The 'reference' adapter: the float64 evaluator behind the common adapter interface. */
import type { Adapter, CompiledGraph } from '../adapter/types';
import { evaluateGraph } from './evaluate';
import { referenceKernel } from './evaluate';

export const REFERENCE_ADAPTER = 'reference';

export function createReferenceAdapter(): Adapter {
  let live = 0;
  return {
    name: REFERENCE_ADAPTER,
    async init() {},
    supports(op) {
      return referenceKernel(op) !== undefined;
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

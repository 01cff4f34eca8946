/**
 * The third-party example of docs/conformance.md, verbatim: the reference kernels with every
 * node's output rounded to float32. example-adapter.test.ts runs the whole suite on it, which
 * keeps the documentation honest and shows that a faithful float32 evaluation passes the
 * float32 tolerance.
 */
import {
  AdapterUnavailableError, fromFloat64, isOpType, registerAdapter, runReferenceKernel, toFloat64,
  type Adapter, type HostTensor,
} from '@skipconn/core';

export function createFloat32Adapter(): Adapter {
  let live = 0;
  return {
    name: 'example:float32',
    async init() {
      if (typeof Math.fround !== 'function') throw new AdapterUnavailableError('example:float32', 'no Math.fround', 'use Node 20');
    },
    whyUnsupported: (op, dtype) => (!isOpType(op) ? `no kernel for ${op}` : dtype !== 'float32' ? 'float32 only' : undefined),
    async compile(graph, weights) {
      live++;
      let open = true;
      return {
        info: { backend: 'reference kernels, float32 between nodes' },
        async run(feeds) {
          const env = new Map<string, { shape: readonly number[]; data: Float64Array }>();
          for (const [name, t] of [...Object.entries(feeds), ...weights]) env.set(name, { shape: t.shape, data: toFloat64(t) });
          for (const node of graph.nodes) {
            const outs = runReferenceKernel(node, node.spec.inputs.map((i) => env.get(i)!));
            node.spec.outputs.forEach((o, i) => env.set(o, { shape: outs[i]!.shape, data: outs[i]!.data.map(Math.fround) }));
          }
          const result: Record<string, HostTensor> = {};
          for (const o of graph.graph.outputs) result[o] = fromFloat64('float32', env.get(o)!.shape, env.get(o)!.data);
          return result;
        },
        async dispose() {
          if (open) live--;
          open = false;
        },
      };
    },
    resources: () => ({ compiledGraphs: live }),
    async dispose() {},
  };
}

registerAdapter('example:float32', createFloat32Adapter, 10, 'reference kernels rounded to float32');

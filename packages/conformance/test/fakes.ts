/** Fake adapters for the harness's own tests: the reference adapter with one thing wrong. */
import { AdapterUnavailableError, createReferenceAdapter, tensor, toFloat64, type Adapter, type HostTensor } from '@skipconn/core';

export interface FakeOptions {
  readonly name?: string;
  /** Rewrites each output (flat float64 values) before returning it. */
  readonly corrupt?: (values: Float64Array, output: string) => void;
  /** compile() allocates a resource that dispose() never frees. */
  readonly leak?: boolean;
  /** init() throws AdapterUnavailableError with this reason. */
  readonly unavailable?: string;
  /** Ops supports() refuses. */
  readonly unsupported?: readonly string[];
  /** compile() accepts anything without looking (for error-case tests). */
  readonly acceptAnything?: boolean;
  /** run() never settles. */
  readonly hang?: boolean;
}

export function fakeAdapter(options: FakeOptions = {}): Adapter {
  const inner = createReferenceAdapter();
  const name = options.name ?? 'fake';
  let leaked = 0;
  return {
    name,
    async init() {
      if (options.unavailable !== undefined) throw new AdapterUnavailableError(name, options.unavailable, 'install the fake runtime');
    },
    whyUnsupported(op, dtype) {
      return (options.unsupported ?? []).includes(op) ? 'declared unsupported by the fake' : inner.whyUnsupported(op, dtype);
    },
    async compile(graph, weights) {
      if (options.leak) leaked++;
      if (options.acceptAnything) {
        return {
          info: { backend: 'fake' },
          async run() {
            return {};
          },
          async dispose() {},
        };
      }
      const compiled = await inner.compile(graph, weights);
      return {
        info: { backend: 'fake over reference' },
        async run(feeds) {
          if (options.hang) return new Promise<Record<string, HostTensor>>(() => undefined);
          const out = await compiled.run(feeds);
          if (options.corrupt === undefined) return out;
          const result: Record<string, HostTensor> = {};
          for (const [k, t] of Object.entries(out)) {
            const v = toFloat64(t);
            options.corrupt(v, k);
            result[k] = tensor(t.dtype, t.shape, Array.from(v));
          }
          return result;
        },
        dispose: () => compiled.dispose(),
      };
    },
    resources() {
      return { ...inner.resources(), leaked };
    },
    async dispose() {
      await inner.dispose();
    },
  };
}

/**
 * One Adapter implementation for every tfjs backend; a TfjsBackendSpec says how to load tfjs and
 * which backend to run. tfjs has one global engine, so the adapter never assumes the active
 * backend: compile and every run switch to theirs (see onBackend) and report what ran.
 */
import { AdapterUnavailableError, tableWhyUnsupported, type Adapter, type DType, type ResourceCounts, type ValidatedGraph, type WeightStore } from '@skipconn/core';
import { compileTfjs, TFJS_DTYPES, type TfjsCompiledGraph, type TfRuntime } from './compile';
import { TFJS_KERNELS } from './kernels';
import type { Tf } from './tf';
import { wasmMemoryBytes, wasmMemoryError } from './wasm-memory';

export interface TfjsBackendSpec {
  /** Adapter name, e.g. 'tfjs:wasm'. */
  readonly name: string;
  /** tfjs backend name, e.g. 'wasm'. */
  readonly backend: string;
  /** One line for `skipconn adapters`. */
  readonly description: string;
  /**
   * Loads tfjs and registers the backend, or throws AdapterUnavailableError saying why and how to
   * enable it. Returns the tfjs namespace the backend registered with.
   */
  load(): Promise<Tf>;
  /** How to enable the backend when tf.setBackend refuses it after loading. */
  readonly fix?: string;
}

export interface TfjsAdapter extends Adapter {
  compile(graph: ValidatedGraph, weights: WeightStore): Promise<TfjsCompiledGraph>;
}

/** Why the tfjs adapters do not run `op` in `dtype` (the same on every backend: kernels use tfjs-core ops only). */
export function tfjsWhyUnsupported(op: string, dtype: DType): string | undefined {
  return tableWhyUnsupported(TFJS_KERNELS, TFJS_DTYPES, op, dtype);
}

export function createTfjsAdapter(spec: TfjsBackendSpec): TfjsAdapter {
  let runtime: TfRuntime | undefined;
  const live = new Set<TfjsCompiledGraph>();

  const ready = (): TfRuntime => {
    if (runtime === undefined) throw new AdapterUnavailableError(spec.name, 'init() has not completed', `await adapter.init() before compile`);
    return runtime;
  };

  return {
    name: spec.name,
    async init() {
      if (runtime !== undefined) return;
      const tf = await spec.load();
      let ok: boolean;
      try {
        ok = await tf.setBackend(spec.backend);
      } catch (err) {
        throw new AdapterUnavailableError(spec.name, `tfjs backend '${spec.backend}' failed to initialize: ${err instanceof Error ? err.message : String(err)}`, spec.fix);
      }
      if (!ok) throw new AdapterUnavailableError(spec.name, `tfjs backend '${spec.backend}' failed to initialize`, spec.fix);
      // tfjs falls back silently (a failed backend leaves another one active, and getBackend()
      // picks the best registered one when none is set): never run another backend under this name.
      const active = tf.getBackend();
      if (active !== spec.backend) {
        throw new AdapterUnavailableError(spec.name, `tfjs backend '${spec.backend}' was requested but '${active}' is active after setBackend`, spec.fix);
      }
      runtime = {
        tf,
        backend: spec.backend,
        ...(spec.backend === 'wasm' ? { explainError: (err: unknown, weightBytes: number) => wasmMemoryError(spec.name, err, wasmMemoryBytes(tf), weightBytes) } : {}),
      };
    },
    whyUnsupported: tfjsWhyUnsupported,
    async compile(graph, weights) {
      let compiled: TfjsCompiledGraph | undefined = undefined;
      compiled = await compileTfjs(ready(), graph, weights, () => live.delete(compiled!));
      live.add(compiled);
      return compiled;
    },
    resources(): ResourceCounts {
      if (runtime === undefined) return { tensors: 0, compiledGraphs: 0, heldTensors: 0 };
      let held = 0;
      for (const g of live) held += g.heldTensors;
      // numTensors counts the whole tfjs engine (every backend): exact for before/after checks.
      return { tensors: runtime.tf.memory().numTensors, compiledGraphs: live.size, heldTensors: held };
    },
    async dispose() {
      for (const g of [...live]) await g.dispose();
    },
  };
}

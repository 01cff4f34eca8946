/**
 * The ort-node adapters: compile = export the validated IR to ONNX (@skipconn/onnx) and open an
 * onnxruntime-node InferenceSession on the bytes; run = convert HostTensors at the boundary.
 * `ort-node:cuda` registers the CUDA execution provider alone, and init() refuses when its
 * binaries are missing, so a graph is never run on the CPU under a CUDA name.
 */
import type * as ort from 'onnxruntime-node';
import {
  AdapterUnavailableError,
  SkipconnError,
  checkFeeds,
  type Adapter,
  type CompileOptions,
  type CompiledGraph,
  type DType,
  type HostTensor,
} from '@skipconn/core';
import { EXPORTERS, exportModel, encodeModel } from '@skipconn/onnx';
import { fromOrt, toOrt } from './convert';
import { CUDA_FIX, cudaUnavailableReason } from './cuda';

export type OrtDevice = 'cpu' | 'cuda';

export interface OrtSessionOptions {
  /** onnxruntime graph optimizations (default 'all'). */
  readonly graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  /** Threads inside one op (default: onnxruntime's choice, all cores). */
  readonly intraOpNumThreads?: number;
  readonly interOpNumThreads?: number;
  /** ONNX opset to export with (default 17). */
  readonly opset?: number;
}

export const ORT_NODE_CPU = 'ort-node:cpu';
export const ORT_NODE_CUDA = 'ort-node:cuda';

/** ONNX Runtime's own execution provider names: what `info.executionProvider` reports. */
const EP_NAME: Record<OrtDevice, string> = { cpu: 'CPUExecutionProvider', cuda: 'CUDAExecutionProvider' };

/** dtypes every exported op runs with on onnxruntime's kernels (conformance covers both; float64 kernels are missing for Conv and others). */
const DTYPES: readonly DType[] = ['float32', 'float16'];

function readSessionOptions(defaults: OrtSessionOptions, options: CompileOptions | undefined): OrtSessionOptions {
  const merged = { ...defaults, ...(options ?? {}) } as Record<string, unknown>;
  const level = merged['graphOptimizationLevel'];
  if (level !== undefined && !['disabled', 'basic', 'extended', 'all'].includes(level as string)) {
    throw new SkipconnError('USAGE', `graphOptimizationLevel: expected one of disabled, basic, extended, all, received ${JSON.stringify(level)}`);
  }
  for (const key of ['intraOpNumThreads', 'interOpNumThreads', 'opset']) {
    const v = merged[key];
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 0)) {
      throw new SkipconnError('USAGE', `${key}: expected a non-negative integer, received ${JSON.stringify(v)}`);
    }
  }
  return merged as OrtSessionOptions;
}

export function createOrtNodeAdapter(device: OrtDevice, defaults: OrtSessionOptions = {}): Adapter {
  const name = device === 'cpu' ? ORT_NODE_CPU : ORT_NODE_CUDA;
  let runtime: typeof ort | undefined;
  const live = new Set<ort.InferenceSession>();

  const load = (): typeof ort => {
    if (runtime !== undefined) return runtime;
    throw new SkipconnError('USAGE', `adapter ${name}: call init() before compile()`);
  };

  return {
    name,
    async init() {
      if (runtime !== undefined) return;
      if (device === 'cuda') {
        const reason = cudaUnavailableReason();
        if (reason !== undefined) throw new AdapterUnavailableError(name, reason, CUDA_FIX);
      }
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        runtime = require('onnxruntime-node') as typeof ort;
      } catch (err) {
        throw new AdapterUnavailableError(name, `onnxruntime-node cannot be loaded: ${err instanceof Error ? err.message : String(err)}`, 'npm install onnxruntime-node');
      }
    },
    supports(op, dtype) {
      return EXPORTERS[op] !== undefined && DTYPES.includes(dtype);
    },
    async compile(graph, weights, options) {
      const rt = load();
      const opts = readSessionOptions(defaults, options);
      const model = exportModel(graph, weights, { opset: opts.opset });
      const onnxOutputs = model.graph!.output.map((o) => o.name);
      const session = await rt.InferenceSession.create(encodeModel(model), {
        executionProviders: [device],
        graphOptimizationLevel: opts.graphOptimizationLevel ?? 'all',
        ...(opts.intraOpNumThreads !== undefined ? { intraOpNumThreads: opts.intraOpNumThreads } : {}),
        ...(opts.interOpNumThreads !== undefined ? { interOpNumThreads: opts.interOpNumThreads } : {}),
      });
      live.add(session);
      let disposed = false;
      const compiled: CompiledGraph = {
        info: { executionProvider: EP_NAME[device], backend: `onnxruntime-node ${rt.env.versions?.common ?? ''}`.trim() },
        async run(feeds) {
          if (disposed) throw new SkipconnError('USAGE', `${name}: run() after dispose()`);
          checkFeeds(graph, feeds);
          const ortFeeds: Record<string, ort.Tensor> = {};
          for (const input of graph.graph.inputs) ortFeeds[input.name] = toOrt(rt, feeds[input.name]!);
          const results = await session.run(ortFeeds);
          const out: Record<string, HostTensor> = {};
          graph.graph.outputs.forEach((irName, i) => {
            const t = results[onnxOutputs[i]!];
            if (t === undefined) throw new SkipconnError('UNSUPPORTED', `${name}: onnxruntime returned no output '${onnxOutputs[i]}'`);
            out[irName] = fromOrt(t, irName);
            t.dispose();
          });
          for (const t of Object.values(ortFeeds)) t.dispose();
          return out;
        },
        async dispose() {
          if (disposed) return;
          disposed = true;
          live.delete(session);
          await session.release();
        },
      };
      return compiled;
    },
    resources() {
      return { sessions: live.size };
    },
    async dispose() {
      const sessions = [...live];
      live.clear();
      await Promise.all(sessions.map((s) => s.release()));
    },
  };
}

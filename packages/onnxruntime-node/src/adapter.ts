/**
 * The ort-node adapters: compile = export the validated IR to ONNX (@skipconn/onnx) and open an
 * onnxruntime-node InferenceSession on the bytes; run = convert HostTensors at the boundary.
 * `ort-node:cuda` registers the CUDA execution provider alone, and init() refuses when its
 * binaries are missing, so a graph is never run on the CPU under a CUDA name.
 *
 * Sessions are opened through onnxruntime-node's own backend, not `InferenceSession.create`:
 * onnxruntime-node and onnxruntime-web share one onnxruntime-common and its registry of
 * backends by EP name, and onnxruntime-web registers its wasm backend as 'cpu' too. Its
 * registerBackend (1.30) never replaces a name already taken, even by a backend of higher
 * priority, so once onnxruntime-web was loaded first, `InferenceSession.create` with 'cpu' in
 * onnxruntime-node ran the graph on onnxruntime-web's wasm kernels (measured: conformance with
 * `--adapters ort-web:wasm,ort-node:cpu` gave ort-node:cpu the wasm EP's numbers).
 */
import type * as ort from 'onnxruntime-node';
import { AdapterUnavailableError, SkipconnError, tableWhyUnsupported, type Adapter, type CompileOptions, type DType } from '@skipconn/core';
import { EXPORTERS, OrtSessionSet, checkIntegerOption, encodeModel, exportModel, mergeSessionOptions, splitExternalData, toOrtTensor, type OrtCommonSessionOptions } from '@skipconn/onnx';
import { CUDA_FIX, cudaUnavailableReason } from './cuda';

export type OrtDevice = 'cpu' | 'cuda';

export interface OrtSessionOptions extends OrtCommonSessionOptions {
  /** Threads inside one op (default: onnxruntime's choice, all cores). */
  readonly intraOpNumThreads?: number;
  readonly interOpNumThreads?: number;
}

export const ORT_NODE_CPU = 'ort-node:cpu';
export const ORT_NODE_CUDA = 'ort-node:cuda';

/** ONNX Runtime's own execution provider names: what `info.executionProvider` reports. */
const EP_NAME: Record<OrtDevice, string> = { cpu: 'CPUExecutionProvider', cuda: 'CUDAExecutionProvider' };

/** dtypes every exported op runs with on onnxruntime's kernels (conformance covers both; float64 kernels are missing for Conv and others). */
// int32: what core lets ops read or write it (cast, argMax, gatherNd's indices, int32 add, sub, mul,
// floorDiv, concat, reshape) runs on onnxruntime's own int32 kernels.
const DTYPES: readonly DType[] = ['float32', 'float16', 'int32'];

function readSessionOptions(defaults: OrtSessionOptions, options: CompileOptions | undefined): OrtSessionOptions {
  const merged = mergeSessionOptions(defaults, options);
  for (const key of ['intraOpNumThreads', 'interOpNumThreads', 'opset', 'maxInlineInitializerBytes']) checkIntegerOption(merged, key, true);
  return merged as OrtSessionOptions;
}

/** What onnxruntime-node's `dist/backend.js` exports (1.30): the backend it registers for its EPs. */
interface OrtNodeBackend {
  createInferenceSessionHandler(model: Uint8Array, options: ort.InferenceSession.SessionOptions): Promise<unknown>;
}

/** onnxruntime-node's own backend, whatever else registered its EP names. */
async function loadOrtNodeBackend(): Promise<OrtNodeBackend> {
  const mod = (await import('onnxruntime-node/dist/backend.js')) as { onnxruntimeBackend?: OrtNodeBackend; default?: { onnxruntimeBackend?: OrtNodeBackend } };
  const backend = mod.onnxruntimeBackend ?? mod.default?.onnxruntimeBackend;
  if (typeof backend?.createInferenceSessionHandler !== 'function') throw new Error("onnxruntime-node's dist/backend.js has no onnxruntimeBackend (expected onnxruntime-node ~1.30)");
  return backend;
}

export function createOrtNodeAdapter(device: OrtDevice, defaults: OrtSessionOptions = {}): Adapter {
  const name = device === 'cpu' ? ORT_NODE_CPU : ORT_NODE_CUDA;
  let runtime: typeof ort | undefined;
  let backend: OrtNodeBackend | undefined;
  const sessions = new OrtSessionSet();

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
        // import() of this CommonJS package gives its exports as `default` in an ES module build.
        const mod = (await import('onnxruntime-node')) as typeof ort & { default?: typeof ort };
        backend = await loadOrtNodeBackend();
        runtime = mod.default ?? mod;
      } catch (err) {
        throw new AdapterUnavailableError(name, `onnxruntime-node cannot be loaded: ${err instanceof Error ? err.message : String(err)}`, 'npm install onnxruntime-node');
      }
    },
    whyUnsupported(op, dtype) {
      return tableWhyUnsupported(EXPORTERS, DTYPES, op, dtype);
    },
    async compile(graph, weights, options) {
      const rt = load();
      const opts = readSessionOptions(defaults, options);
      const model = exportModel(graph, weights, { opset: opts.opset });
      const split = splitExternalData(model, opts.maxInlineInitializerBytes);
      const handler = await backend!.createInferenceSessionHandler(encodeModel(split.model), {
        ...(split.externalData.length > 0 ? { externalData: split.externalData } : {}),
        executionProviders: [device],
        graphOptimizationLevel: opts.graphOptimizationLevel ?? 'all',
        ...(opts.intraOpNumThreads !== undefined ? { intraOpNumThreads: opts.intraOpNumThreads } : {}),
        ...(opts.interOpNumThreads !== undefined ? { interOpNumThreads: opts.interOpNumThreads } : {}),
      });
      // What InferenceSession.create returns around the handler its backend made.
      const session = new (rt.InferenceSession as unknown as new (handler: unknown) => ort.InferenceSession)(handler);
      return sessions.compiled({
        adapter: name,
        runtime: 'onnxruntime',
        graph,
        model,
        session,
        info: { executionProvider: EP_NAME[device], backend: `onnxruntime-node ${rt.env.versions?.common ?? ''}`.trim() },
        toOrt: (t) => toOrtTensor(rt.Tensor, t),
      });
    },
    resources() {
      return sessions.resources();
    },
    dispose() {
      return sessions.releaseAll();
    },
  };
}

/**
 * The ort-web adapters: compile = export the validated IR to ONNX (@skipconn/onnx) and open an
 * onnxruntime-web InferenceSession on the bytes; run = convert HostTensors at the boundary.
 *
 * This file is platform-neutral (no Node built-ins): the onnxruntime-web module comes from the
 * `runtime` option, which the Node entry (node/runtime.ts) and the browser entry (browser.ts)
 * provide differently.
 *
 * What really ran (`info.executionProvider`):
 *  - `ort-web:wasm` always runs on onnxruntime's CPU kernels compiled to WebAssembly: 'wasm'.
 *  - `ort-web:webgpu` asks for the 'webgpu' EP alone, so onnxruntime-web never swaps in the wasm
 *    backend for a missing WebGPU: session creation fails and so does init(). Inside a session,
 *    though, onnxruntime places nodes that its WebGPU EP cannot run on its CPU EP. compile()
 *    first forbids that (session config `session.disable_cpu_ep_fallback`); when onnxruntime
 *    refuses, it either fails (`cpuFallback: 'forbid'`) or reopens the session with the fallback
 *    allowed and reports 'webgpu+wasm' (`cpuFallback: 'report'`, the default).
 */
import type * as ort from 'onnxruntime-web';
import { AdapterUnavailableError, GraphBuilder, SerialQueues, SkipconnError, describeGpuAdapter, tableWhyUnsupported, tensor, type Adapter, type CompileOptions, type DType, type GpuAdapterLike } from '@skipconn/core';
import { EXPORTERS, OrtSessionSet, checkIntegerOption, encodeModel, exportModel, fromOrtTensor, mergeSessionOptions, splitExternalData, type ExternalDataFile, type OrtCommonSessionOptions } from '@skipconn/onnx';
import { runtimeBytes, toOrt } from './convert';
import { hasOrderedUploads, orderUploads } from './ordered-uploads';
import { STUCK_BACKEND, separateActivationChains, splitWideConcats, webgpuRefusal } from './webgpu-limits';

export type OrtWebRuntime = typeof ort;
export type OrtWebDevice = 'wasm' | 'webgpu';

export const ORT_WEB_WASM = 'ort-web:wasm';
export const ORT_WEB_WEBGPU = 'ort-web:webgpu';

/** What onnxruntime-web reports when CPU fallback is disabled and a node needs it. */
const CPU_FALLBACK_REFUSED = /fallback to CPU EP has been explicitly disabled/i;

export interface OrtWebSessionOptions extends OrtCommonSessionOptions {
  /**
   * webgpu only: when onnxruntime places some nodes on its CPU (wasm) EP, 'report' runs the graph
   * that way and says so in info.executionProvider ('webgpu+wasm'); 'forbid' makes compile() throw.
   */
  readonly cpuFallback?: 'report' | 'forbid';
}

export interface OrtWebAdapterOptions extends OrtWebSessionOptions {
  /** Loads the onnxruntime-web module (once, in init()). Throwing AdapterUnavailableError keeps its reason. */
  readonly runtime: () => OrtWebRuntime | Promise<OrtWebRuntime>;
  /** Adapter name (default ort-web:wasm or ort-web:webgpu). */
  readonly name?: string;
  /** Shown as the fix when the runtime cannot be loaded. */
  readonly fix?: string;
  /** Which onnxruntime-web build `runtime` returns, for info.backend (e.g. 'onnxruntime-web/all (JSEP)'). */
  readonly build?: string;
}

/** dtypes every exported op runs with on onnxruntime-web's wasm and WebGPU kernels. */
// int32: what core lets ops read or write it (cast, argMax, gatherNd's indices, int32 add, sub, mul,
// floorDiv, concat, reshape) runs on onnxruntime's own int32 kernels.
export const ORT_WEB_DTYPES: readonly DType[] = ['float32', 'int32'];

function readSessionOptions(defaults: OrtWebSessionOptions, options: CompileOptions | undefined): OrtWebSessionOptions {
  const merged = mergeSessionOptions(defaults, options);
  checkIntegerOption(merged, 'opset', false);
  checkIntegerOption(merged, 'maxInlineInitializerBytes', true);
  const fallback = merged['cpuFallback'];
  if (fallback !== undefined && fallback !== 'report' && fallback !== 'forbid') {
    throw new SkipconnError('USAGE', `cpuFallback: expected 'report' or 'forbid', received ${JSON.stringify(fallback)}`);
  }
  return merged as OrtWebSessionOptions;
}

/**
 * onnxruntime-web runs one wasm instance per page or process, and its WebGPU EP refuses two
 * concurrent runs ("Session already started"). All calls into one runtime module go one at a time.
 */
const queues = new SerialQueues();
function serialized<T>(key: object, fn: () => Promise<T>): Promise<T> {
  return queues.of(key).run(fn);
}

/** The message of an error, also of one thrown by a runtime loaded in another realm (node/runtime.ts). */
function message(err: unknown): string {
  const m = typeof err === 'object' && err !== null ? (err as { message?: unknown }).message : undefined;
  return typeof m === 'string' ? m : String(err);
}

/** "SwiftShader (fallback adapter)"-style description of the GPU adapter onnxruntime-web picked. */
function describeGpu(adapter: GpuAdapterLike | undefined): string {
  if (adapter === undefined) return 'unknown GPU adapter';
  const { name, isFallbackAdapter } = describeGpuAdapter(adapter);
  return `${name || 'unnamed GPU adapter'}${isFallbackAdapter ? ' (fallback adapter: software rendering)' : ''}`;
}

type GpuAdapterWithDevice = Parameters<typeof orderUploads>[0];

/**
 * Hands onnxruntime-web the GPU adapter wrapped by orderUploads (ordered-uploads.ts), the user's
 * own `env.webgpu.adapter` if one is set, else `fallback`. Only possible before onnxruntime-web
 * creates its device; returns whether that device orders its uploads.
 */
function installOrderedUploads(rt: OrtWebRuntime, fallback: GpuAdapterWithDevice): boolean {
  const env = rt.env.webgpu as { adapter?: unknown; device?: unknown };
  if (env.device !== undefined) return hasOrderedUploads(env.device);
  env.adapter = orderUploads((env.adapter as GpuAdapterWithDevice | undefined) ?? fallback);
  return true;
}

/** A one-relu graph to prove in init() that the runtime really runs on this device. */
function probeModel(): Uint8Array {
  const b = new GraphBuilder('ort-web-probe');
  b.output(b.node('relu', [b.input('x', [1, 4])], {}, 'y'));
  const { validated, weights } = b.build();
  return encodeModel(exportModel(validated, weights));
}

export function createOrtWebAdapter(device: OrtWebDevice, options: OrtWebAdapterOptions): Adapter {
  const name = options.name ?? (device === 'wasm' ? ORT_WEB_WASM : ORT_WEB_WEBGPU);
  const defaults: OrtWebSessionOptions = {
    ...(options.graphOptimizationLevel !== undefined ? { graphOptimizationLevel: options.graphOptimizationLevel } : {}),
    ...(options.opset !== undefined ? { opset: options.opset } : {}),
    ...(options.cpuFallback !== undefined ? { cpuFallback: options.cpuFallback } : {}),
  };
  let runtime: OrtWebRuntime | undefined;
  let backend = '';
  let uploadsOrdered = true;
  const sessions = new OrtSessionSet();

  const load = (): OrtWebRuntime => {
    if (runtime !== undefined) return runtime;
    throw new SkipconnError('USAGE', `adapter ${name}: call init() before compile()`);
  };

  const createSession = async (rt: OrtWebRuntime, bytes: Uint8Array, externalData: readonly ExternalDataFile[], level: string, forbidCpu: boolean): Promise<ort.InferenceSession> =>
    rt.InferenceSession.create(runtimeBytes(rt, bytes), {
      ...(externalData.length > 0 ? { externalData: externalData.map((f) => ({ path: f.path, data: runtimeBytes(rt, f.data) })) } : {}),
      executionProviders: [device],
      graphOptimizationLevel: level as ort.InferenceSession.SessionOptions['graphOptimizationLevel'],
      ...(forbidCpu ? { extra: { session: { disable_cpu_ep_fallback: '1' } } } : {}),
    });

  /** Opens a session; for webgpu also finds out whether onnxruntime needed its CPU EP. */
  const open = async (rt: OrtWebRuntime, bytes: Uint8Array, opts: OrtWebSessionOptions, externalData: readonly ExternalDataFile[] = []): Promise<{ session: ort.InferenceSession; executionProvider: string }> => {
    const level = opts.graphOptimizationLevel ?? 'all';
    if (device === 'wasm') return { session: await createSession(rt, bytes, externalData, level, false), executionProvider: 'wasm' };
    try {
      return { session: await createSession(rt, bytes, externalData, level, true), executionProvider: 'webgpu' };
    } catch (err) {
      if (!CPU_FALLBACK_REFUSED.test(message(err))) throw err;
      if (opts.cpuFallback === 'forbid') {
        throw new SkipconnError('UNSUPPORTED', `${name}: onnxruntime-web's WebGPU EP cannot run every node of this graph and cpuFallback is 'forbid' (onnxruntime: ${message(err)})`);
      }
      return { session: await createSession(rt, bytes, externalData, level, false), executionProvider: 'webgpu+wasm' };
    }
  };

  return {
    name,
    async init() {
      if (runtime !== undefined) return;
      let rt: OrtWebRuntime;
      try {
        rt = await options.runtime();
      } catch (err) {
        if (err instanceof AdapterUnavailableError) throw err;
        throw new AdapterUnavailableError(name, `onnxruntime-web cannot be loaded: ${message(err)}`, options.fix ?? 'npm install onnxruntime-web@~1.30.0');
      }
      if (device === 'webgpu') {
        const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<unknown> } } }).navigator?.gpu;
        if (gpu === undefined) throw new AdapterUnavailableError(name, 'WebGPU is not available here (navigator.gpu is undefined)', options.fix);
        const gpuAdapter = await gpu.requestAdapter().catch(() => null);
        if (gpuAdapter === null || gpuAdapter === undefined) throw new AdapterUnavailableError(name, 'WebGPU has no adapter here (navigator.gpu.requestAdapter() returned null)', options.fix);
        uploadsOrdered = installOrderedUploads(rt, gpuAdapter as GpuAdapterWithDevice);
      }
      // Prove the device works end to end before claiming availability.
      try {
        await serialized(rt, async () => {
          const { session } = await open(rt, probeModel(), { cpuFallback: 'forbid' });
          try {
            const out = await session.run({ x: toOrt(rt, tensor('float32', [1, 4], [-1, 0, 2, -3])) });
            const y = out[session.outputNames[0]!];
            if (y === undefined || fromOrtTensor(y, 'y', 'onnxruntime-web').data[2] !== 2) throw new Error('the test graph returned wrong values');
          } finally {
            await session.release();
          }
        });
      } catch (err) {
        throw new AdapterUnavailableError(name, `onnxruntime-web could not run a test graph with the ${device} execution provider: ${message(err)}`, options.fix);
      }
      const version = rt.env.versions?.web ?? rt.env.versions?.common ?? '';
      const build = options.build !== undefined ? ` ${options.build}` : '';
      if (device === 'wasm') {
        const threads = rt.env.wasm.numThreads;
        backend = `onnxruntime-web ${version}${build}, wasm${typeof threads === 'number' ? `, ${threads} thread${threads === 1 ? '' : 's'}` : ''}`;
      } else {
        const unordered = uploadsOrdered ? '' : " (its WebGPU device was created before this adapter's init(), so uploads from CPU EP nodes are not ordered after recorded kernels: see docs/onnxruntime-web.md)";
        backend = `onnxruntime-web ${version}${build}, WebGPU on ${describeGpu((rt.env.webgpu as { adapter?: GpuAdapterLike }).adapter)}${unordered}`;
      }
      runtime = rt;
    },
    whyUnsupported(op, dtype) {
      return tableWhyUnsupported(EXPORTERS, ORT_WEB_DTYPES, op, dtype);
    },
    async compile(graph, weights, compileOptions) {
      const rt = load();
      const opts = readSessionOptions(defaults, compileOptions);
      // JSEP's pool kernels lack ceil_mode, and its GatherND is wrong for some coordinate lengths:
      // ceil-mode pools as floor mode wherever that is exact, gatherNd as a Gather.
      const jsep = device === 'webgpu';
      const exported = exportModel(graph, weights, { opset: opts.opset, floorModePools: jsep, gatherNdAsGather: jsep });
      if (device === 'webgpu') {
        const refusal = webgpuRefusal(exported);
        if (refusal !== undefined) throw new SkipconnError('UNSUPPORTED', `${name}: ${refusal}`);
      }
      // The model the session really runs: JSEP computes a Concat of more than seven inputs wrong,
      // and a Conv followed by two activations as the Conv and the last activation alone.
      const model = device === 'webgpu' ? separateActivationChains(splitWideConcats(exported)) : exported;
      const split = splitExternalData(model, opts.maxInlineInitializerBytes);
      const bytes = encodeModel(split.model);
      const { session, executionProvider } = await serialized(rt, () => open(rt, bytes, opts, split.externalData));
      return sessions.compiled({
        adapter: name,
        runtime: 'onnxruntime-web',
        graph,
        model,
        info: { executionProvider, backend },
        toOrt: (t) => toOrt(rt, t),
        // Every call into the runtime goes through its queue.
        session: {
          run: (feeds) =>
            serialized(rt, () => session.run(feeds)).catch((err: unknown) => {
              if (device === 'webgpu' && STUCK_BACKEND.test(message(err))) {
                throw new SkipconnError('UNSUPPORTED', `${name}: onnxruntime-web's WebGPU backend is stuck after an earlier kernel error; reload the page or restart the process (onnxruntime: ${message(err)})`);
              }
              throw err;
            }),
          release: () => serialized(rt, () => session.release()),
        },
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

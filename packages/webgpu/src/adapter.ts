/// <reference types="@webgpu/types" />
/**
 * Adapter `webgpu`: skipconn graphs on this package's own WGSL kernels. Runs wherever WebGPU
 * exists: on the page's thread in a browser (navigator.gpu), and in Node through the `webgpu`
 * package (Dawn) inside a dedicated worker thread that owns the device.
 */
import {
  AdapterUnavailableError,
  SkipconnError,
  UnsupportedError,
  checkFeeds,
  float32Values,
  tableWhyUnsupported,
  tensor,
  type Adapter,
  type CompileOptions,
  type CompiledGraph,
  type DType,
  type HostTensor,
  type ResourceCounts,
  type ValidatedGraph,
  type WeightStore,
} from '@skipconn/core';
import { ADAPTER_NAME, type EngineInfo, type PlanReport } from './engine/engine';
import type { ConvSettings } from './plan/emit';
import { halfWeightNames } from './plan/half-weights';
import { WEBGPU_IMPLEMENTED_OPS, WEBGPU_INT32_OPS, WEBGPU_OPS } from './plan/ops';
import { LocalHost } from './host/local';
import { WEBGPU_DTYPES, float32Graph, float32Weights } from './float16';
import type { EngineStats, Host, TimeOptions, TimeResult } from './host/types';
import { mark, type RunMarks } from './engine/run-trace';

export { ADAPTER_NAME };

/** One line for adapter listings. */
export const ADAPTER_DESCRIPTION = "WebGPU: skipconn's own WGSL kernels with fused skip connections (browser, or Node through Dawn in a worker)";

/**
 * Ops with a kernel here: those WEBGPU_OPS (plan/ops.ts) implements: elementwise ops and merges
 * (one fused expression kernel), the linear and convolution anchors, layerNorm, concat and
 * reshape/flatten (placement), and the standalone kernels.
 */
export const SUPPORTED_OPS: ReadonlySet<string> = new Set<string>(WEBGPU_IMPLEMENTED_OPS);

/** Why int32 values may not reach an op here. */
function noInt32Kernel(op: string): string {
  return `op ${op} has no int32 kernel here (int32 runs at ${[...WEBGPU_INT32_OPS].join(', ')})`;
}

/** Why this adapter does not run `op` on `dtype` (answerable without a device, e.g. by browser proxies). */
export function webgpuWhyUnsupported(op: string, dtype: DType): string | undefined {
  const why = tableWhyUnsupported(WEBGPU_OPS, WEBGPU_DTYPES, op, dtype);
  if (why !== undefined) return why;
  return dtype === 'int32' && !(WEBGPU_INT32_OPS as ReadonlySet<string>).has(op) ? noInt32Kernel(op) : undefined;
}

/**
 * Refuses, naming node, op and dtype, a graph holding a dtype this adapter has no buffers for, or
 * an int32 value at an op whose kernels are float32 only. Core's validator already keeps int32
 * from those ops today; this keeps a later vocabulary change from reaching a float kernel silently.
 */
function checkDTypes(vg: ValidatedGraph): void {
  for (const [name, v] of vg.values) {
    if (!WEBGPU_DTYPES.includes(v.dtype)) {
      const n = vg.producers.get(name);
      throw new UnsupportedError(`dtype ${v.dtype} (value '${name}')`, n ? { node: n.spec.name, op: n.spec.op } : {}, WEBGPU_DTYPES);
    }
  }
  for (const n of vg.nodes) {
    if (WEBGPU_INT32_OPS.has(n.type)) continue;
    const int32 = [...n.inputs, ...n.outputs].findIndex((v) => v.dtype === 'int32');
    if (int32 >= 0) {
      const value = int32 < n.inputs.length ? `input '${n.spec.inputs[int32]}'` : `output '${n.spec.outputs[int32 - n.inputs.length]}'`;
      throw new UnsupportedError(`dtype int32 (${value}) at op ${n.type}`, { node: n.spec.name, op: n.spec.op }, [`int32 at ${[...WEBGPU_INT32_OPS].join(', ')}`, 'float32 and float16 at every op']);
    }
  }
}

export interface WebGpuAdapterOptions {
  /** Where the engine runs: 'worker' (Node default), 'local' (browser default; needs `gpu` or navigator.gpu). */
  readonly host?: 'worker' | 'local';
  /** A GPU object to use on this thread instead of navigator.gpu. */
  readonly gpu?: GPU;
  /** Regenerate shader sources on pipeline-cache hits and fail on a key collision (tests). */
  readonly checkShaderKeys?: boolean;
  /**
   * Node: while waiting for the GPU, sleep between Dawn's event polls instead of letting them
   * spin a CPU core (default true; false is the plain wait, kept for the latency benchmark's
   * comparison). See docs/webgpu.md, "Waiting for the GPU".
   */
  readonly pacedWaits?: boolean;
}

export interface WebGpuCompileOptions extends CompileOptions {
  /** Fuse kernels (default true); false runs one kernel per node, for comparisons. */
  readonly fusion?: boolean;
  /**
   * Fuse an elementwise chain that feeds only a conv2d input (DenseNet's batchNorm + relu) into
   * the convolution's reads, so it is never stored (default false). A DenseNet block then holds
   * exactly its feature maps, but ran 1.6x slower than with fusion off on an H100.
   */
  readonly convPrologue?: boolean;
  /** Convolution kernel knobs, for benchmarking (see ConvSettings). */
  readonly conv?: ConvSettings;
  /**
   * Run dense, matmul and gemm products with one output row on the matrix-vector kernel
   * (default true); false keeps the 16x16-tiled GEMM, for benchmark comparisons.
   */
  readonly gemv?: boolean;
  /**
   * How the weights of dense, matmul (right operand) and conv2d live in GPU memory: 'float16'
   * packs them two per 32-bit word (half the bytes and the bandwidth; read with
   * `unpack2x16float`, accumulated in float32), 'float32' keeps them as they are computed with.
   * Default: a graph's float16 weights are stored as float16 (exact: they were float16 already)
   * and its float32 weights as float32. 'float16' on a float32 graph rounds those weights to
   * float16, so results are then within the spec's float16 tolerance, not float32's. Other weights
   * (biases, elementwise constants, weights also read elsewhere) stay float32 either way.
   */
  readonly weightStorage?: 'float32' | 'float16';
}

/** A compiled graph, with what the compiler did (fused kernels, arena and peak bytes). */
export interface WebGpuCompiledGraph extends CompiledGraph {
  readonly report: PlanReport;
  /** Benchmark helper: one-at-a-time and back-to-back wall times, GPU times from timestamp queries when available. */
  time(feeds: Readonly<Record<string, HostTensor>>, options: TimeOptions): Promise<TimeResult>;
  /** Benchmark helper: `run(feeds)` with the time at each boundary between its phases (see RUN_MARKS). */
  traceRun(feeds: Readonly<Record<string, HostTensor>>): Promise<{ readonly outputs: Record<string, HostTensor>; readonly marks: RunMarks }>;
}

export interface WebGpuAdapter extends Adapter {
  /** The device after init(). */
  readonly device: EngineInfo | undefined;
  compile(graph: ValidatedGraph, weights: WeightStore, options?: WebGpuCompileOptions): Promise<WebGpuCompiledGraph>;
  /** Peak GPU bytes since init and the pipeline cache size (not part of resources(), which must return to baseline). */
  stats(): EngineStats;
  /** Test hook: loses the GPU device as a driver reset would. */
  loseDevice(): Promise<void>;
}

function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

/**
 * Starts the Node host (a worker thread that owns a Dawn device). The Node entry passes one; the
 * browser entry passes none, so bundlers never see node:worker_threads.
 */
export type NodeHostLoader = (settings: { readonly checkShaderKeys: boolean; readonly pacedWaits: boolean }) => Promise<Host>;

async function makeHost(options: WebGpuAdapterOptions, nodeHost: NodeHostLoader | undefined): Promise<Host> {
  const checkKeys = options.checkShaderKeys ?? false;
  if (options.gpu !== undefined) return new LocalHost(options.gpu, checkKeys);
  const navGpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (options.host !== 'worker' && navGpu !== undefined) return new LocalHost(navGpu, checkKeys);
  if (options.host === 'local') {
    throw new AdapterUnavailableError(ADAPTER_NAME, 'navigator.gpu is not defined here', 'use a browser with WebGPU enabled, or pass a GPU object as options.gpu');
  }
  if (isNode() && nodeHost !== undefined) return nodeHost({ checkShaderKeys: checkKeys, pacedWaits: options.pacedWaits ?? true });
  throw new AdapterUnavailableError(ADAPTER_NAME, 'WebGPU is not available: navigator.gpu is not defined', 'use a browser with WebGPU enabled (Chrome, Edge; Firefox and Safari behind flags)');
}

/** The weights the engine may store as float16 under `storage` (see WebGpuCompileOptions.weightStorage). */
function float16WeightCandidates(vg: ValidatedGraph, storage: WebGpuCompileOptions['weightStorage']): string[] {
  if (storage !== undefined && storage !== 'float32' && storage !== 'float16') {
    throw new SkipconnError('USAGE', `webgpu: compile option weightStorage must be 'float32' or 'float16', received ${JSON.stringify(storage)}`);
  }
  if (storage === 'float32') return [];
  return vg.graph.weights.filter((w) => storage === 'float16' || w.dtype === 'float16').map((w) => w.name);
}

/** float16's largest finite value is 65504; a finite float32 at or above 65520 in magnitude rounds to Infinity. */
const FLOAT16_OVERFLOW = 65520;

/**
 * Refuses float32 weights that float16 storage would turn into Infinity: opting a float32 graph
 * into `weightStorage: 'float16'` may round its weights, but must not compute something else.
 */
function checkFloat16Range(weights: WeightStore, names: Iterable<string>): void {
  for (const name of names) {
    const w = weights.get(name);
    if (w === undefined || w.dtype !== 'float32') continue;
    const data = w.data as Float32Array;
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (Number.isFinite(v) && Math.abs(v) >= FLOAT16_OVERFLOW) {
        throw new SkipconnError(
          'UNSUPPORTED',
          `webgpu: weight '${name}' holds ${v} at element ${i}, beyond float16's range (largest finite 65504), so weightStorage 'float16' would store it as Infinity; compile with weightStorage: 'float32'`,
        );
      }
    }
  }
}

/** The feeds as the engine holds them: int32 ones as they are, every other one as float32. */
function feedData(vg: ValidatedGraph, feeds: Readonly<Record<string, HostTensor>>): Map<string, Float32Array | Int32Array> {
  checkFeeds(vg, feeds);
  return new Map(
    vg.graph.inputs.map((i) => {
      const t = feeds[i.name]!;
      return [i.name, t.dtype === 'int32' ? (t.data as Int32Array) : float32Values(t)];
    }),
  );
}

/** The adapter, with the given way to reach a GPU from Node (see index.ts and browser.ts). */
export function createWebGpuAdapterWith(nodeHost: NodeHostLoader | undefined, options: WebGpuAdapterOptions = {}): WebGpuAdapter {
  let host: Host | undefined;
  let info: EngineInfo | undefined;
  let initializing: Promise<void> | undefined;
  const ready = (): Host => {
    if (host === undefined || info === undefined) throw new SkipconnError('USAGE', 'webgpu: call init() before compile()');
    return host;
  };

  const adapter: WebGpuAdapter = {
    name: ADAPTER_NAME,
    get device() {
      return info;
    },
    init() {
      initializing ??= (async () => {
        const h = await makeHost(options, nodeHost);
        try {
          info = await h.init();
          host = h;
        } catch (err) {
          await h.dispose().catch(() => undefined);
          initializing = undefined;
          throw err;
        }
      })();
      return initializing;
    },
    whyUnsupported: webgpuWhyUnsupported,
    async compile(vg, weights, compileOptions = {}) {
      const h = ready();
      checkDTypes(vg);
      // The engine stores exactly these as float16 (it applies the same rule again, as a guard).
      const float16Weights = [...halfWeightNames(vg, float16WeightCandidates(vg, compileOptions.weightStorage))];
      checkFloat16Range(weights, float16Weights);
      const { id, report } = await h.compile(float32Graph(vg), float32Weights(vg, weights), {
        fusion: compileOptions.fusion ?? true,
        convPrologue: compileOptions.convPrologue ?? false,
        ...(compileOptions.conv ? { conv: compileOptions.conv } : {}),
        gemv: compileOptions.gemv ?? true,
        float16Weights,
      });
      let disposed = false;
      const run = async (feeds: Readonly<Record<string, HostTensor>>, marks?: RunMarks): Promise<Record<string, HostTensor>> => {
        mark(marks, 'called');
        if (disposed) throw new SkipconnError('USAGE', 'webgpu: run() after dispose()');
        const out = await h.run(id, feedData(vg, feeds), marks);
        const result: Record<string, HostTensor> = {};
        for (const name of vg.graph.outputs) {
          const t = out.get(name)!;
          // float16 outputs are rounded here, once.
          const v = vg.values.get(name)!;
          result[name] = tensor(v.dtype, v.shape, t.data);
        }
        mark(marks, 'returned');
        return result;
      };
      const compiled: WebGpuCompiledGraph = {
        info: { backend: info!.backend, executionProvider: 'webgpu (skipconn WGSL kernels)' },
        report,
        run: (feeds) => run(feeds),
        async traceRun(feeds) {
          const marks: RunMarks = {};
          const outputs = await run(feeds, marks);
          return { outputs, marks };
        },
        async time(feeds, options) {
          return h.time(id, feedData(vg, feeds), options);
        },
        async dispose() {
          if (disposed) return;
          disposed = true;
          await h.release(id);
        },
      };
      return compiled;
    },
    resources(): ResourceCounts {
      return host?.counts() ?? {};
    },
    stats() {
      return host?.stats() ?? { peakBytes: 0, pipelines: 0 };
    },
    async loseDevice() {
      await ready().loseDevice();
    },
    async dispose() {
      const h = host;
      host = undefined;
      info = undefined;
      initializing = undefined;
      await h?.dispose();
    },
  };
  return adapter;
}

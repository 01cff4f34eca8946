/// <reference types="@webgpu/types" />
/**
 * The engine owns one GPUDevice and runs compiled plans on it. It is the only code that touches
 * GPU objects; in Node it lives inside the worker (node/worker.ts), in a browser on the page's
 * thread. Everything it does is asynchronous and chunked, because the thread owning a Dawn device
 * must not block for long (see docs/webgpu.md).
 *
 * compile: fusion (plan/steps) -> placement and zero-copy concat (plan/placement) -> arena
 * (plan/arena) -> kernel calls (plan/emit) -> buffers, constants, pipelines, bind groups, all
 * made once. run: upload inputs, one compute pass, copy outputs to a staging buffer, map, copy
 * out. Operations are serialized: a plan's buffers serve one run at a time. Benchmark timing is
 * not here: engine/timing.ts measures a plan that `withUploadedPlan` hands it.
 */
import { AdapterUnavailableError, SerialQueue, SkipconnError, describeGpuAdapter, formatShape, type ResourceCounts, type ValidatedGraph, type WeightStore } from '@skipconn/core';
import { buildSteps } from '../plan/steps';
import { placeValues, type BufRef } from '../plan/placement';
import { planArena } from '../plan/arena';
import { emitCalls, type ConvSettings } from '../plan/emit';
import { halfWeightNames, packHalves } from '../plan/half-weights';
import { pipelineCache, type PipelineCache } from './pipelines';
import { BufferUsage, CHUNK_ELEMENTS, MapMode, yieldToLoop } from './gpu-constants';
import type { UploadedPlan } from './timing';
import { mark, type RunMarks } from './run-trace';

export type { TimeOptions, TimeResult } from './timing';

export const ADAPTER_NAME = 'webgpu';

/** Values rounded and packed per piece when writing float16 weights (even, so every piece starts on a word). */
const HALF_PACK_ELEMENTS = 1 << 18;

/** A tensor's values on the host: float32 (float16 graphs run in float32) or int32, both 4 bytes an element. */
export type EngineData = Float32Array | Int32Array;

export interface EngineTensor {
  readonly shape: readonly number[];
  readonly data: EngineData;
}

export interface CompileSettings {
  /** Fuse elementwise chains, epilogues, prologues and residual + layerNorm (default true). */
  readonly fusion?: boolean;
  /** Also fuse an expression feeding only a conv2d input into it (default false: less memory, slower; plan/steps.ts). */
  readonly convPrologue?: boolean;
  /** Convolution kernel choice (benchmarking knobs; the defaults are what the benchmark favoured). */
  readonly conv?: ConvSettings;
  /** One-row dense and matmul on the matrix-vector kernel (default true; false keeps the tiled GEMM, for comparisons). */
  readonly gemv?: boolean;
  /**
   * Weights to store as packed float16 where every kernel reading them can (plan/half-weights.ts);
   * the rest stay float32. The adapter fills it from its `weightStorage` option.
   */
  readonly float16Weights?: readonly string[];
}

/** What a compiled graph costs and how it was fused; `docs/webgpu.md` explains each field. */
export interface PlanReport {
  /** Kernel dispatches per run. */
  readonly dispatches: number;
  /** Each dispatch: its label (the IR nodes it covers, joined by '+') and its generator. */
  readonly kernels: readonly { readonly label: string; readonly shader: string }[];
  /** Distinct pipelines the plan uses. */
  readonly pipelines: number;
  /** Concat members written in place (no copy). */
  readonly hostedMembers: number;
  /** Bytes of the arena's buffers (activations). */
  readonly arenaBytes: number;
  /** Largest sum of simultaneously live activations: the lower bound of any arena. */
  readonly peakLiveBytes: number;
  /** Bytes of weights and derived constants on the device. */
  readonly constantBytes: number;
  /** The weights stored as packed float16 (two per u32 word), sorted. */
  readonly float16Weights: readonly string[];
}

/** What a guarded operation did: its value or what it threw. */
type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

interface CompiledCall {
  readonly label: string;
  readonly pipeline: GPUComputePipeline;
  readonly bindGroup: GPUBindGroup;
  readonly groups: { readonly gx: number; readonly gy: number };
}

interface Transfer {
  readonly name: string;
  readonly buffer: GPUBuffer;
  /** Bytes. */
  readonly offset: number;
  readonly size: number;
  readonly shape: readonly number[];
  /** Output only: byte offset in the staging buffer. */
  readonly staging: number;
  /** Whether its values are int32 (read back as an Int32Array) rather than float32. */
  readonly int32: boolean;
}

interface Plan {
  readonly id: number;
  readonly calls: readonly CompiledCall[];
  readonly buffers: readonly GPUBuffer[];
  readonly inputs: readonly Transfer[];
  readonly outputs: readonly Transfer[];
  readonly staging?: GPUBuffer;
  readonly report: PlanReport;
}

export interface EngineInfo {
  /** One line: the device that really runs (vendor, architecture, description, fallback or not). */
  readonly backend: string;
  readonly isFallbackAdapter: boolean;
  readonly timestamps: boolean;
  readonly maxStorageBuffersPerShaderStage: number;
}

export interface DeviceRequest {
  readonly powerPreference?: GPUPowerPreference;
}

function deviceLostError(info: { reason: string; message: string }): AdapterUnavailableError {
  return new AdapterUnavailableError(
    ADAPTER_NAME,
    `the GPU device was lost (${info.reason}${info.message ? `: ${info.message}` : ''}); compiled graphs on it cannot run again`,
    'dispose this adapter and create a new one',
  );
}

export class Engine {
  private readonly plans = new Map<number, Plan>();
  private readonly sizes = new Map<GPUBuffer, number>();
  private nextId = 1;
  private bytes = 0;
  private peakBytes = 0;
  private lost: { reason: string; message: string } | undefined;
  private readonly queue = new SerialQueue();
  private readonly cache: PipelineCache;

  private constructor(
    readonly device: GPUDevice,
    readonly info: EngineInfo,
  ) {
    this.cache = pipelineCache(device);
    void device.lost.then((l) => {
      this.lost = { reason: String(l.reason), message: l.message };
    });
  }

  /** Requests an adapter and a device with the adapter's best storage limits. */
  static async create(gpu: GPU, request: DeviceRequest = {}): Promise<Engine> {
    const adapter = await gpu.requestAdapter({ powerPreference: request.powerPreference ?? 'high-performance' });
    if (adapter === null) {
      throw new AdapterUnavailableError(
        ADAPTER_NAME,
        'no WebGPU adapter was found (requestAdapter returned null)',
        'enable WebGPU in the browser, or in Node install a Vulkan driver (CPU machines: apt-get install chromium libvulkan1, for its SwiftShader ICD)',
      );
    }
    const want = ['maxStorageBuffersPerShaderStage', 'maxStorageBufferBindingSize', 'maxBufferSize'] as const;
    const requiredLimits: Record<string, number> = {};
    for (const k of want) requiredLimits[k] = adapter.limits[k];
    const timestamps = adapter.features.has('timestamp-query');
    const device = await adapter.requestDevice({ requiredLimits, requiredFeatures: timestamps ? ['timestamp-query'] : [] });
    const { name: desc, isFallbackAdapter: fallback } = describeGpuAdapter(adapter);
    return new Engine(device, {
      backend: `WebGPU ${desc || 'adapter'}${fallback ? ' (fallback adapter)' : ''}`,
      isFallbackAdapter: fallback,
      timestamps,
      maxStorageBuffersPerShaderStage: device.limits.maxStorageBuffersPerShaderStage,
    });
  }

  /**
   * How the engine waits for GPU work (a readback's map, a submit's completion, the pipelines a
   * compile creates, which a spinning thread slows down as much on SwiftShader): by default it
   * simply awaits the promise; the Node worker sets node/paced-wait.ts's `pacedWait`, which keeps
   * Dawn's polling from spinning a core meanwhile.
   */
  waitForGpu: <T>(promise: Promise<T>) => Promise<T> = (promise) => promise;

  /** Checks shader keys on every cache hit (tests). */
  set checkShaderKeys(on: boolean) {
    this.cache.checkKeys = on;
  }

  counts(): ResourceCounts {
    return { compiledGraphs: this.plans.size, gpuBuffers: this.sizes.size, gpuBytes: this.bytes };
  }

  stats(): { peakBytes: number; pipelines: number } {
    return { peakBytes: this.peakBytes, pipelines: this.cache.size };
  }

  compile(vg: ValidatedGraph, weights: WeightStore, settings: CompileSettings = {}): Promise<{ id: number; report: PlanReport }> {
    return this.exclusive(() => this.compileNow(vg, weights, settings));
  }

  /** Runs plan `id`; with `marks`, records the time at each phase boundary there (run-trace.ts). */
  run(id: number, feeds: ReadonlyMap<string, EngineData>, marks?: RunMarks): Promise<Map<string, EngineTensor>> {
    return this.exclusive(() => this.runNow(id, feeds, marks));
  }

  release(id: number): Promise<void> {
    return this.exclusive(async () => {
      const plan = this.plans.get(id);
      if (plan === undefined) return;
      this.plans.delete(id);
      plan.buffers.forEach((b) => this.destroyBuffer(b));
    }, true);
  }

  /** Destroys the device (everything on it goes); the engine is unusable afterwards. */
  destroy(): Promise<void> {
    return this.exclusive(async () => {
      for (const id of [...this.plans.keys()]) {
        this.plans.get(id)!.buffers.forEach((b) => this.destroyBuffer(b));
        this.plans.delete(id);
      }
      this.device.destroy();
    }, true);
  }

  /** Test hook: loses the device the way a GPU reset would. */
  loseDevice(): void {
    this.device.destroy();
  }

  /**
   * Runs `fn` on plan `id` with `feeds` uploaded, after every earlier operation and before any
   * later one, so that nothing else uses the device meanwhile (benchmark timing).
   */
  withUploadedPlan<T>(id: number, feeds: ReadonlyMap<string, EngineData>, fn: (plan: UploadedPlan) => Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      const plan = this.plan(id);
      await this.upload(plan, feeds);
      return fn({ device: this.device, timestamps: this.info.timestamps, encodeRun: (pass) => this.encodeCalls(pass, plan), wait: this.waitForGpu });
    });
  }

  /** Runs after every earlier operation; on a lost device only cleanup (`evenIfLost`) still runs. */
  private exclusive<T>(fn: () => Promise<T>, evenIfLost = false): Promise<T> {
    return this.queue.run(() => {
      if (this.lost !== undefined && !evenIfLost) throw deviceLostError(this.lost);
      return fn();
    });
  }

  private plan(id: number): Plan {
    const plan = this.plans.get(id);
    if (plan === undefined) throw new SkipconnError('USAGE', `compiled graph ${id} was disposed; compile the graph again`);
    return plan;
  }

  private createBuffer(bytes: number, usage: number, label: string): GPUBuffer {
    const size = Math.max(16, Math.ceil(bytes / 16) * 16);
    const buffer = this.device.createBuffer({ size, usage, label });
    this.sizes.set(buffer, size);
    this.bytes += size;
    this.peakBytes = Math.max(this.peakBytes, this.bytes);
    return buffer;
  }

  private destroyBuffer(buffer: GPUBuffer): void {
    const size = this.sizes.get(buffer);
    if (size === undefined) return;
    this.sizes.delete(buffer);
    this.bytes -= size;
    buffer.destroy();
  }

  private async writeChunked(buffer: GPUBuffer, offsetBytes: number, data: EngineData): Promise<void> {
    for (let start = 0; start < data.length; start += CHUNK_ELEMENTS) {
      const n = Math.min(CHUNK_ELEMENTS, data.length - start);
      this.device.queue.writeBuffer(buffer, offsetBytes + start * 4, data.buffer, data.byteOffset + start * 4, n * 4);
      if (data.length > CHUNK_ELEMENTS) await yieldToLoop();
    }
  }

  /**
   * Rounds `data` to float16 and writes it packed (plan/half-weights.ts), a piece at a time: the
   * rounding is JavaScript work on the device's thread, which must not block for long.
   */
  private async writeHalvesChunked(buffer: GPUBuffer, data: Float32Array): Promise<void> {
    const piece = HALF_PACK_ELEMENTS;
    for (let start = 0; start < data.length; start += piece) {
      const words = packHalves(data.subarray(start, Math.min(data.length, start + piece)));
      this.device.queue.writeBuffer(buffer, start * 2, words.buffer, words.byteOffset, words.byteLength);
      if (data.length > piece) await yieldToLoop();
    }
  }

  private async withErrorScopes<T>(what: string, fn: () => Promise<T>): Promise<T> {
    this.device.pushErrorScope('out-of-memory');
    this.device.pushErrorScope('validation');
    let outcome: Outcome<T>;
    try {
      outcome = { ok: true, value: await fn() };
    } catch (error) {
      outcome = { ok: false, error };
    }
    return this.popErrorScopes(what, outcome);
  }

  /**
   * Pops the two scopes `withErrorScopes` (or a run) pushed, both at once. What they caught
   * explains a failure better than the failure's own error (an out-of-memory buffer surfaces later
   * as an invalid object), so it wins.
   */
  private async popErrorScopes<T>(what: string, outcome: Outcome<T>): Promise<T> {
    const [validation, oom] = await Promise.all([this.device.popErrorScope(), this.device.popErrorScope()]);
    if (this.lost !== undefined) throw deviceLostError(this.lost);
    if (oom !== null) throw new SkipconnError('UNSUPPORTED', `webgpu: out of GPU memory while ${what}: ${oom.message}`);
    if (validation !== null) throw new Error(`internal: WebGPU validation error while ${what}: ${validation.message}`);
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }

  private async compileNow(vg: ValidatedGraph, weights: WeightStore, settings: CompileSettings): Promise<{ id: number; report: PlanReport }> {
    const built = buildSteps(vg, weights, { fusion: settings.fusion ?? true, convPrologue: settings.convPrologue ?? false, maxBindings: this.info.maxStorageBuffersPerShaderStage });
    await yieldToLoop();
    const placement = placeValues(vg, built.steps, built.constants);
    const arena = planArena(placement.allocs);
    const physical = (ref: BufRef): string => (ref.k === 'alloc' ? `s${arena.slotOf[ref.id]}` : `c:${ref.name}`);
    const halfWeights = halfWeightNames(vg, settings.float16Weights ?? []);
    const emitted = emitCalls(vg, placement, physical, { ...(settings.conv ? { conv: settings.conv } : {}), gemv: settings.gemv ?? true, halfWeights });
    await yieldToLoop();

    const maxBinding = this.device.limits.maxStorageBufferBindingSize;
    return this.withErrorScopes('compiling', async () => {
      const owned: GPUBuffer[] = [];
      try {
        const slots = arena.slotSizes.map((elements, i) => {
          if (elements * 4 > maxBinding) {
            throw new SkipconnError('UNSUPPORTED', `webgpu: a tensor of ${elements} values (${elements * 4} bytes) exceeds this device's maxStorageBufferBindingSize of ${maxBinding} bytes`);
          }
          const b = this.createBuffer(elements * 4, BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST, `slot ${i}`);
          owned.push(b);
          return b;
        });
        const constData = (name: string): EngineData => {
          const derived = built.constants.get(name) ?? emitted.constants.get(name);
          if (derived !== undefined) return derived;
          const w = weights.get(name);
          if (w === undefined) throw new SkipconnError('INPUT_INVALID', `weight '${name}' is missing from the weight store`);
          if (w.dtype === 'float32') return w.data as Float32Array;
          if (w.dtype === 'int32') return w.data as Int32Array;
          throw new SkipconnError('UNSUPPORTED', `webgpu: weight '${name}' is ${w.dtype}; the engine holds float32 and int32 values (float16 is decoded before)`);
        };
        const consts = new Map<string, GPUBuffer>();
        const constBuffer = async (name: string): Promise<GPUBuffer> => {
          let b = consts.get(name);
          if (b === undefined) {
            const data = constData(name);
            // Only float weights read by dense, matmul or conv2d are packed (plan/half-weights.ts).
            if (halfWeights.has(name) && !(data instanceof Float32Array)) throw new Error(`internal: weight '${name}' is marked for float16 storage but holds int32 values`);
            const halves = halfWeights.has(name) && data instanceof Float32Array ? data : undefined;
            // Packed float16: two bytes a value, an odd count padded to a whole word.
            const bytes = halves !== undefined ? Math.ceil(halves.length / 2) * 4 : data.length * 4;
            if (bytes > maxBinding) throw new SkipconnError('UNSUPPORTED', `webgpu: weight '${name}' (${bytes} bytes) exceeds maxStorageBufferBindingSize ${maxBinding}`);
            b = this.createBuffer(bytes, BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST, name);
            owned.push(b);
            consts.set(name, b);
            await (halves !== undefined ? this.writeHalvesChunked(b, halves) : this.writeChunked(b, 0, data));
          }
          return b;
        };
        const gpuBuffer = async (ref: BufRef): Promise<GPUBuffer> => (ref.k === 'alloc' ? slots[arena.slotOf[ref.id]!]! : constBuffer(ref.name));

        const pipelines = await this.waitForGpu(Promise.all(emitted.calls.map((c) => this.cache.get(c.key, c.source, c.bindings, c.label))));
        const calls: CompiledCall[] = [];
        for (let i = 0; i < emitted.calls.length; i++) {
          const c = emitted.calls[i]!;
          const p = pipelines[i]!;
          const entries: GPUBindGroupEntry[] = [];
          for (let j = 0; j < c.buffers.length; j++) entries.push({ binding: j, resource: { buffer: await gpuBuffer(c.buffers[j]!) } });
          calls.push({ label: c.label, pipeline: p.pipeline, bindGroup: this.device.createBindGroup({ layout: p.layout, entries, label: c.label }), groups: c.groups });
        }

        const inputs: Transfer[] = [];
        for (const input of vg.graph.inputs) {
          const l = placement.loc(input.name);
          const size = input.shape.reduce((a, b) => a * b, 1);
          if (size > 0) inputs.push({ name: input.name, buffer: await gpuBuffer(l.buf), offset: l.off * 4, size, shape: input.shape, staging: 0, int32: input.dtype === 'int32' });
        }
        const outputs: Transfer[] = [];
        let stagingBytes = 0;
        for (const name of vg.graph.outputs) {
          const l = placement.outputs.get(name)!;
          const size = l.shape.reduce((a, b) => a * b, 1);
          outputs.push({ name, buffer: await gpuBuffer(l.buf), offset: l.off * 4, size, shape: l.shape, staging: stagingBytes, int32: vg.values.get(name)!.dtype === 'int32' });
          stagingBytes += size * 4;
        }
        const staging = stagingBytes > 0 ? this.createBuffer(stagingBytes, BufferUsage.MAP_READ | BufferUsage.COPY_DST, 'readback') : undefined;
        if (staging !== undefined) owned.push(staging);

        let constantBytes = 0;
        for (const b of consts.values()) constantBytes += b.size;
        const report: PlanReport = {
          dispatches: calls.length,
          kernels: emitted.calls.map((c) => ({ label: c.label, shader: c.shaderName })),
          pipelines: new Set(emitted.calls.map((c) => c.key)).size,
          hostedMembers: placement.hosted.size,
          arenaBytes: arena.arenaBytes,
          peakLiveBytes: arena.peakLiveBytes,
          constantBytes,
          float16Weights: [...halfWeights].filter((name) => consts.has(name)).sort(),
        };
        const id = this.nextId++;
        this.plans.set(id, { id, calls, buffers: owned, inputs, outputs, ...(staging ? { staging } : {}), report });
        return { id, report };
      } catch (err) {
        owned.forEach((b) => this.destroyBuffer(b));
        throw err;
      }
    });
  }

  private async upload(plan: Plan, feeds: ReadonlyMap<string, EngineData>): Promise<void> {
    for (const t of plan.inputs) {
      const data = feeds.get(t.name);
      const dtype = t.int32 ? 'int32' : 'float32';
      if (data === undefined || data.length !== t.size || data instanceof Int32Array !== t.int32) {
        const received = data === undefined ? 'nothing' : `${data instanceof Int32Array ? 'int32' : 'float32'} (${data.length} values)`;
        throw new SkipconnError('INPUT_INVALID', `input '${t.name}': expected ${dtype} ${formatShape(t.shape)} (${t.size} values), received ${received}`);
      }
      await this.writeChunked(t.buffer, t.offset, data);
    }
  }

  private encodeCalls(pass: GPUComputePassEncoder, plan: Plan): void {
    for (const c of plan.calls) {
      pass.setPipeline(c.pipeline);
      pass.setBindGroup(0, c.bindGroup);
      pass.dispatchWorkgroups(c.groups.gx, c.groups.gy);
    }
  }

  private async runNow(id: number, feeds: ReadonlyMap<string, EngineData>, marks: RunMarks | undefined): Promise<Map<string, EngineTensor>> {
    mark(marks, 'started');
    const plan = this.plan(id);
    const staging = plan.staging;
    // The readback is mapped as soon as the run is submitted, while the error scopes are answered,
    // so a run costs one wait for the GPU and not a round of Dawn's event polling before it too.
    this.device.pushErrorScope('out-of-memory');
    this.device.pushErrorScope('validation');
    /** Settles with what mapping the readback threw, or null once it is mapped. */
    let mapping: Promise<unknown> | undefined;
    let outcome: Outcome<void>;
    try {
      await this.upload(plan, feeds);
      mark(marks, 'uploaded');
      const enc = this.device.createCommandEncoder();
      if (plan.calls.length > 0) {
        const pass = enc.beginComputePass();
        this.encodeCalls(pass, plan);
        pass.end();
      }
      for (const o of plan.outputs) if (o.size > 0) enc.copyBufferToBuffer(o.buffer, o.offset, staging!, o.staging, o.size * 4);
      this.device.queue.submit([enc.finish()]);
      mark(marks, 'submitted');
      // Observed, not awaited: when the GPU finished, next to when the readback was mapped.
      if (marks !== undefined)
        void this.device.queue.onSubmittedWorkDone().then(
          () => mark(marks, 'gpuDone'),
          () => undefined,
        );
      mapping =
        staging === undefined
          ? undefined
          : this.waitForGpu(staging.mapAsync(MapMode.READ)).then(
              () => null,
              (err: unknown) => err,
            );
      outcome = { ok: true, value: undefined };
    } catch (error) {
      outcome = { ok: false, error };
    }
    try {
      await this.popErrorScopes('running', outcome);
    } catch (err) {
      // A readback mapped after a failed run must be released, or the next run could not map it.
      if (mapping !== undefined && (await mapping) === null) staging!.unmap();
      throw err;
    }
    mark(marks, 'checked');
    const result = new Map<string, EngineTensor>();
    if (staging === undefined || mapping === undefined) {
      for (const o of plan.outputs) result.set(o.name, { shape: o.shape, data: o.int32 ? new Int32Array(0) : new Float32Array(0) });
      return result;
    }
    const mapError = await mapping;
    if (mapError !== null) {
      if (this.lost !== undefined) throw deviceLostError(this.lost);
      throw mapError;
    }
    mark(marks, 'mapped');
    try {
      const mapped = staging.getMappedRange();
      for (const o of plan.outputs) {
        const data = o.int32 ? new Int32Array(o.size) : new Float32Array(o.size);
        for (let start = 0; start < o.size; start += CHUNK_ELEMENTS) {
          const n = Math.min(CHUNK_ELEMENTS, o.size - start);
          data.set(o.int32 ? new Int32Array(mapped, o.staging + start * 4, n) : new Float32Array(mapped, o.staging + start * 4, n), start);
          if (o.size > CHUNK_ELEMENTS) await yieldToLoop();
        }
        result.set(o.name, { shape: o.shape, data });
      }
    } finally {
      staging.unmap();
    }
    mark(marks, 'copied');
    return result;
  }
}

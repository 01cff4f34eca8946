/// <reference types="@webgpu/types" />
/**
 * Peer `ort-web:webgpu`, in a child process of its own: onnxruntime-web 1.30's WebGPU EP (the
 * JSEP build, `onnxruntime-web/all`) over Dawn, the runtime the `ort-web:webgpu` adapter runs in
 * its host process. The graph goes through the same exporter (@skipconn/onnx, opset 17) and the
 * same session options as the adapter (webgpu EP alone, graphOptimizationLevel 'all', CPU
 * fallback forbidden first and reported when onnxruntime needs it).
 *
 * Unlike the adapter, inputs and the output stay on the GPU: feeds are `Tensor.fromGpuBuffer` over
 * the uploaded buffers and the output is a preallocated GPU tensor passed as the fetch, so nothing
 * is copied per run. One run = `await session.run(feeds, fetches)` (onnxruntime records the
 * kernels and submits them before it resolves); the GPU is waited for with the device's
 * `queue.onSubmittedWorkDone()`.
 *
 * Variants: 'session.run' (as above) and 'graph capture' (`enableGraphCapture: true`: the first
 * run records the command list, later runs replay it; onnxruntime-web's fastest mode, which needs
 * every node on WebGPU and GPU-resident inputs and outputs).
 *
 * V8 flags: the bench starts this process with `--liftoff-only` unless told otherwise, as the
 * adapter's host does (docs/onnxruntime-web.md: TurboFan tier-up of the 28 MB JSEP wasm delays the
 * process by 40-90 s on two cores; Liftoff code is slower, which counts against this peer).
 *
 * Device limits (`--storage-buffers=adapter`, the default, or `=default`): see withAdapterStorageBuffers.
 */
import type * as ortTypes from 'onnxruntime-web';
import { GraphBuilder, sizeOf } from '@skipconn/core';
import { encodeModel, exportModel } from '@skipconn/onnx';
import { checkBuffer, installNavigatorGpu, serve, type PeerGraph } from './child';
import { describeAdapter } from './describe';

type Ort = typeof ortTypes;

const CPU_FALLBACK_REFUSED = /fallback to CPU EP has been explicitly disabled/i;

let ort: Ort;
let device: GPUDevice;

function probeModel(): Uint8Array {
  const b = new GraphBuilder('ort-web-probe');
  b.output(b.node('relu', [b.input('x', [1, 4])], {}, 'y'));
  const { validated, weights } = b.build();
  return encodeModel(exportModel(validated, weights));
}

function options(capture: boolean, forbidCpu: boolean): ortTypes.InferenceSession.SessionOptions {
  return {
    executionProviders: ['webgpu'],
    graphOptimizationLevel: 'all',
    ...(capture ? { enableGraphCapture: true } : {}),
    ...(forbidCpu ? { extra: { session: { disable_cpu_ep_fallback: '1' } } } : {}),
  };
}

/** Dispatches of one run, from onnxruntime's WebGPU profiling (null when the device has no timestamp queries). */
async function countKernels(run: () => Promise<void>): Promise<number | null> {
  let count = 0;
  ort.env.webgpu.profiling = { mode: 'default', ondata: () => void count++ };
  try {
    await run();
    await device.queue.onSubmittedWorkDone();
    await new Promise((resolve) => setTimeout(resolve, 100));
  } finally {
    ort.env.webgpu.profiling = { mode: 'off' };
  }
  return count > 0 ? count : null;
}

/**
 * onnxruntime-web 1.30's JSEP backend always requests its device itself (WebGpuBackend.initialize):
 * a device the caller puts in `env.webgpu.device` is replaced by it, and its request names a fixed
 * list of limits (workgroup sizes, buffer and binding sizes) without maxStorageBuffersPerShaderStage,
 * so the device has WebGPU's default of 8 storage buffers per stage. Its Concat kernel binds one
 * storage buffer per input plus one for the output, and Dawn refuses the pipeline of a concat of
 * 8 inputs or more on such a device (the concat then does not run and the output is wrong).
 * The one handle the caller has is `env.webgpu.adapter` (deprecated, still honoured: validated by
 * its limits, features and requestDevice alone), so the bench passes the adapter on with a
 * requestDevice that adds the adapter's own maxStorageBuffersPerShaderStage to onnxruntime's
 * request: the limit the webgpu adapter requests for its own device (packages/webgpu/src/engine/engine.ts).
 */
function withAdapterStorageBuffers(adapter: GPUAdapter): GPUAdapter {
  const max = adapter.limits.maxStorageBuffersPerShaderStage;
  const passedOn = {
    limits: adapter.limits,
    features: adapter.features,
    info: adapter.info,
    requestDevice: (descriptor?: GPUDeviceDescriptor): Promise<GPUDevice> => adapter.requestDevice({ ...descriptor, requiredLimits: { ...descriptor?.requiredLimits, maxStorageBuffersPerShaderStage: max } }),
  };
  return passedOn as unknown as GPUAdapter;
}

function storageBuffersArg(): 'adapter' | 'default' {
  const given = process.argv.find((a) => a.startsWith('--storage-buffers='))?.slice('--storage-buffers='.length) ?? 'adapter';
  if (given !== 'adapter' && given !== 'default') throw new Error(`--storage-buffers: expected adapter or default, received ${given}`);
  return given;
}

/** Concat nodes whose inputs and output need more storage buffers than `limit`: Dawn refuses their pipelines. */
function concatsOverLimit(model: ReturnType<typeof exportModel>, limit: number): { over: number; total: number } {
  const concats = model.graph!.node.filter((n) => n.opType === 'Concat');
  return { over: concats.filter((n) => n.input.length + 1 > limit).length, total: concats.length };
}

serve({
  async init() {
    const gpu = installNavigatorGpu();
    const limits = storageBuffersArg();
    // Loaded only now, after navigator.gpu exists; require() takes the package's CommonJS build,
    // as this CommonJS script's other imports do, rather than a second, ES module copy.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    ort = require('onnxruntime-web/all') as Ort;
    ort.env.logLevel = 'error';
    if (limits === 'adapter') {
      // The adapter onnxruntime-web would pick itself: requestAdapter() without options.
      const adapter = await gpu.requestAdapter();
      if (adapter === null) throw new Error('navigator.gpu.requestAdapter() returned null: no WebGPU adapter for onnxruntime-web');
      ort.env.webgpu.adapter = withAdapterStorageBuffers(adapter);
    }
    const probe = await ort.InferenceSession.create(probeModel(), options(false, true));
    await probe.release();
    device = (await ort.env.webgpu.device) as GPUDevice;
    const v8 = process.execArgv.includes('--liftoff-only') ? 'V8 --liftoff-only' : 'V8 default tiers';
    const threads = ort.env.wasm.numThreads;
    const buffers = `${device.limits.maxStorageBuffersPerShaderStage} storage buffers per stage (${limits === 'adapter' ? "the adapter's maximum, requested by the bench" : "onnxruntime-web's own request"})`;
    return {
      backend: `onnxruntime-web ${ort.env.versions?.web ?? ''} /all (JSEP) WebGPU EP, ${v8}${typeof threads === 'number' ? `, ${threads} wasm threads` : ''}, Dawn on ${describeAdapter(device)}, ${buffers}`,
      device,
    };
  },

  async compile(variant, vg, weights, inputs) {
    const capture = variant === 'graph capture';
    const model = exportModel(vg, weights);
    const bytes = encodeModel(model);
    let session: ortTypes.InferenceSession;
    let executionProvider = 'webgpu';
    try {
      session = await ort.InferenceSession.create(bytes, options(capture, true));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (capture || !CPU_FALLBACK_REFUSED.test(message)) throw err;
      session = await ort.InferenceSession.create(bytes, options(false, false));
      executionProvider = 'webgpu+wasm';
    }
    const feeds: Record<string, ortTypes.Tensor> = {};
    for (const [name, input] of Object.entries(inputs)) feeds[name] = ort.Tensor.fromGpuBuffer(input.buffer, { dataType: 'float32', dims: [...input.shape] });
    const outName = model.graph!.output[0]!.name;
    const outShape = vg.values.get(vg.graph.outputs[0]!)!.shape;
    const count = sizeOf(outShape);
    const outBuffer = device.createBuffer({ size: Math.max(16, Math.ceil((count * 4) / 16) * 16), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST, label: 'ort output' });
    const fetches = { [outName]: ort.Tensor.fromGpuBuffer(outBuffer, { dataType: 'float32', dims: [...outShape] }) };
    const issue = async (): Promise<void> => {
      await session.run(feeds, fetches);
    };
    // The first run records the graph when capturing; count dispatches on a plain session only.
    // That run's output is what the first check reads (one run of a whole model on a software
    // adapter can take tens of seconds).
    let unread = false;
    const kernels = capture
      ? null
      : await countKernels(async () => {
          await issue();
          unread = true;
        }).catch(() => null);
    const concats = concatsOverLimit(model, device.limits.maxStorageBuffersPerShaderStage);
    const refused: Record<string, string> = concats.over > 0 ? { concatsOverStorageLimit: `${concats.over} of ${concats.total} (limit ${device.limits.maxStorageBuffersPerShaderStage})` } : {};
    const graph: PeerGraph = {
      info: { executionProvider, graphCapture: capture, onnxNodes: model.graph!.node.length, ...(kernels !== null ? { kernels } : {}), ...refused },
      issue,
      async finish() {
        await device.queue.onSubmittedWorkDone();
      },
      async check() {
        if (!unread) await issue();
        unread = false;
        return checkBuffer(device, outBuffer, count);
      },
      async dispose() {
        await session.release();
        outBuffer.destroy();
      },
    };
    return graph;
  },
});

/// <reference types="@webgpu/types" />
/**
 * Peer `tfjs:webgpu`, in a child process of its own (it owns a Dawn device on its only thread).
 *
 * The graph is compiled by @skipconn/tfjs's own compiler (`compileTfjs`: the program of tfjs calls
 * that the `tfjs:webgpu` adapter runs), on tfjs-backend-webgpu 4.22 over Dawn. Its `run()` would
 * upload the feeds and download every output, so the bench calls the compiled program's public
 * one-run step on tf.Tensors (`runTensors`, inside one tf.tidy) with inputs that are already tfjs
 * tensors on the GPU: tensors wrapping the uploaded GPUBuffers (`tf.tensor({ buffer, zeroCopy: true })`).
 *
 * One run = tf.tidy(program) + disposing its outputs; the GPU is waited for by flushing tfjs's
 * pending command encoder (what tfjs does itself before a read) and `queue.onSubmittedWorkDone()`.
 */
import type * as tfc from '@tensorflow/tfjs-core';
import { sizeOf } from '@skipconn/core';
import { compileTfjs, type TfRuntime } from '@skipconn/tfjs';
import { checkBuffer, installNavigatorGpu, serve, type PeerGraph } from './child';
import { describeAdapter } from './describe';

type Tf = typeof tfc;

/** The parts of tfjs-backend-webgpu's WebGPUBackend used here (public members in 4.22). */
interface WebGpuBackend {
  readonly device: GPUDevice;
  readonly queue: GPUQueue;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
}

let tf: Tf;
let backend: WebGpuBackend;

/** Submits what tfjs has recorded but not yet submitted (tfjs batches dispatches into one encoder). */
function flush(): void {
  backend.ensureCommandEncoderReady();
  backend.endComputePassEncoder();
  backend.submitQueue();
}

serve({
  async init() {
    installNavigatorGpu();
    // Loaded only now: tfjs-backend-webgpu reads navigator.gpu when the backend is created.
    // require() so both resolve to the CommonJS builds: the backend registers itself in the same
    // tfjs-core instance that compileTfjs is handed (import() could load the ES module copy).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    tf = require('@tensorflow/tfjs-core') as Tf;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('@tensorflow/tfjs-backend-webgpu');
    tf.enableProdMode();
    if (!(await tf.setBackend('webgpu')) || tf.getBackend() !== 'webgpu') throw new Error(`tfjs backend 'webgpu' did not initialize (active: ${tf.getBackend()})`);
    await tf.ready();
    backend = tf.backend() as unknown as WebGpuBackend;
    return { backend: `tfjs-core ${tf.version_core}, tfjs-backend-webgpu, Dawn on ${describeAdapter(backend.device)}`, device: backend.device };
  },

  async compile(_variant, vg, weights, inputs) {
    // Inputs: tfjs tensors over the uploaded buffers (zeroCopy: tfjs neither copies nor frees them).
    const feeds: Record<string, tfc.Tensor> = {};
    for (const [name, input] of Object.entries(inputs)) feeds[name] = tf.tensor({ buffer: input.buffer, zeroCopy: true }, [...input.shape], 'float32');
    const runtime: TfRuntime = { tf, backend: 'webgpu' };
    const compiled = await compileTfjs(runtime, vg, weights);
    const once = (): tfc.Tensor[] => tf.tidy(() => compiled.runTensors(feeds));
    const dispose = (ts: readonly tfc.Tensor[]): void => {
      for (const t of ts) t.dispose();
    };

    // What one run dispatches (tf.profile, once). Its outputs are kept for the first check: on a
    // software adapter one run of a whole model can take tens of seconds.
    let unread: tfc.Tensor[] = [];
    const profile = await tf.profile(() => {
      unread = once();
    });
    const kernels = profile.kernels.map((k) => k.name);
    flush();
    await backend.queue.onSubmittedWorkDone();

    const graph: PeerGraph = {
      info: { kernels: kernels.length, kernelNames: [...new Set(kernels)].join(' ') },
      issue() {
        dispose(once());
      },
      async finish() {
        flush();
        await backend.queue.onSubmittedWorkDone();
      },
      async check() {
        const outs = unread.length > 0 ? unread : once();
        unread = [];
        try {
          const out = outs[0]!;
          const gpu = out.dataToGPU();
          try {
            flush();
            return await checkBuffer(backend.device, gpu.buffer!, sizeOf(out.shape));
          } finally {
            gpu.tensorRef.dispose();
          }
        } finally {
          dispose(outs);
        }
      },
      async dispose() {
        dispose(unread);
        await compiled.dispose();
        dispose(Object.values(feeds));
      },
    };
    return graph;
  },
});

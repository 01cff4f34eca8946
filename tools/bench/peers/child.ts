/// <reference types="@webgpu/types" />
/**
 * What both peer child processes share: Dawn as `navigator.gpu`, the request loop, GPU-resident
 * inputs, chunked readback and the two timing loops. A peer (tfjs-child.ts, ort-child.ts) only
 * says how to compile a graph, how to issue one run and how to wait for the GPU.
 *
 * The thread that owns a Dawn device must never block for ~20 ms or more (docs/webgpu.md),
 * and here that thread is the child's only one: inputs arrive in 4 MiB slices and are written to
 * the GPU slice by slice, outputs are read back and summarized in 4 MiB pieces with yields.
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { validateGraph, type ValidatedGraph, type WeightStore } from '@skipconn/core';
import { checkOutput, type CompileReply, type InitReply, type OutputCheck, type PeerReply, type PeerRequest } from './protocol';

export interface GpuInput {
  readonly buffer: GPUBuffer;
  readonly shape: readonly number[];
}

export interface PeerGraph {
  readonly info: CompileReply['info'];
  /** Issues one run on the GPU-resident inputs; resolves once the peer has handed the run to the GPU queue. */
  issue(): Promise<void> | void;
  /** Resolves when the GPU has finished everything issued so far. */
  finish(): Promise<void>;
  /** The output of one run read back and summarized: the run made while compiling, if its output was not read yet, else a new one. */
  check(): Promise<OutputCheck>;
  dispose(): Promise<void> | void;
}

export interface PeerRuntime {
  init(): Promise<{ backend: string; device: GPUDevice }>;
  compile(variant: string, vg: ValidatedGraph, weights: WeightStore, inputs: Readonly<Record<string, GpuInput>>): Promise<PeerGraph>;
}

interface Dawn {
  create(flags: string[]): GPU;
  readonly globals: Record<string, unknown>;
}

const gpus: GPU[] = [];

/**
 * Installs `navigator.gpu` and the WebGPU globals from the `webgpu` package (Dawn's binding,
 * required directly: the package entry is ESM). Queue.writeBuffer is patched to copy a
 * SharedArrayBuffer source into a plain buffer first: onnxruntime-web's threaded build uploads
 * from its shared wasm memory, which Dawn's binding refuses ("no overload matched").
 * The Vulkan ICD comes from the environment the bench process passes down.
 */
export function installNavigatorGpu(): GPU {
  const req = createRequire(__filename);
  const pkg = req.resolve('webgpu/package.json');
  const arch = process.platform === 'darwin' ? 'universal' : process.arch;
  const dawn = req(path.join(path.dirname(pkg), 'dist', `${process.platform}-${arch}`, 'dawn.node')) as Dawn;
  const queue = dawn.globals['GPUQueue'] as { prototype: GPUQueue } | undefined;
  if (queue !== undefined) {
    type Write = (this: GPUQueue, buffer: GPUBuffer, bufferOffset: number, data: ArrayBufferLike | ArrayBufferView, dataOffset?: number, size?: number) => undefined;
    const original = queue.prototype.writeBuffer as unknown as Write;
    const patched: Write = function writeBuffer(buffer, bufferOffset, data, dataOffset = 0, size) {
      const view = ArrayBuffer.isView(data);
      const source = view ? data.buffer : data;
      if (!(typeof SharedArrayBuffer !== 'undefined' && source instanceof SharedArrayBuffer)) return original.call(this, buffer, bufferOffset, data, dataOffset, size);
      // Offsets and sizes count elements for a typed array and bytes for a buffer.
      const unit = view ? ((data as unknown as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1) : 1;
      const start = (view ? data.byteOffset : 0) + dataOffset * unit;
      const bytes = size !== undefined ? size * unit : data.byteLength - dataOffset * unit;
      const copy = new Uint8Array(bytes);
      copy.set(new Uint8Array(source, start, bytes));
      return original.call(this, buffer, bufferOffset, copy, 0, bytes);
    };
    queue.prototype.writeBuffer = patched as unknown as GPUQueue['writeBuffer'];
  }
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create([]);
  gpus.push(gpu);
  Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  return gpu;
}

const PIECE_BYTES = 4 << 20;

/** Reads `buffer` back and summarizes its first `count` float32 values, 4 MiB at a time. */
export async function checkBuffer(device: GPUDevice, buffer: GPUBuffer, count: number): Promise<OutputCheck> {
  const bytes = count * 4;
  const staging = device.createBuffer({ size: Math.max(16, Math.ceil(bytes / 16) * 16), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  try {
    const enc = device.createCommandEncoder();
    enc.copyBufferToBuffer(buffer, 0, staging, 0, Math.ceil(bytes / 4) * 4);
    device.queue.submit([enc.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    async function* pieces(): AsyncGenerator<readonly [number, Float32Array]> {
      for (let o = 0; o < bytes; o += PIECE_BYTES) {
        const size = Math.min(PIECE_BYTES, bytes - o);
        yield [o / 4, new Float32Array(staging.getMappedRange(o, size))];
      }
    }
    return await checkOutput(count, pieces());
  } finally {
    staging.destroy();
  }
}

function errorText(err: unknown): string {
  if (err instanceof Error) return `${err.name === 'Error' ? '' : `${err.name}: `}${err.message}`;
  return String(err);
}

/** Serves one peer runtime over the IPC channel, one request at a time, until the parent goes away. */
export function serve(runtime: PeerRuntime): void {
  let device: GPUDevice | undefined;
  const inputs = new Map<string, GpuInput>();
  const graphs = new Map<string, PeerGraph>();
  const need = (): GPUDevice => {
    if (device === undefined) throw new Error('init first');
    return device;
  };
  const graph = (handle: string): PeerGraph => {
    const g = graphs.get(handle);
    if (g === undefined) throw new Error(`no compiled graph '${handle}'`);
    return g;
  };

  const handle = async (req: PeerRequest): Promise<unknown> => {
    switch (req.op) {
      case 'init': {
        const r = await runtime.init();
        device = r.device;
        device.lost.then(
          (info) => process.stderr.write(`peer: GPU device lost (${info.reason}): ${info.message}\n`),
          () => undefined,
        );
        const reply: InitReply = { backend: r.backend };
        return reply;
      }
      case 'input': {
        const d = need();
        let input = inputs.get(req.key);
        if (input === undefined) {
          const count = req.shape.reduce((a, b) => a * b, 1);
          const size = Math.max(16, Math.ceil((count * 4) / 16) * 16);
          input = { buffer: d.createBuffer({ size, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST, label: req.key }), shape: [...req.shape] };
          inputs.set(req.key, input);
        }
        d.queue.writeBuffer(input.buffer, req.offset * 4, req.data as Float32Array<ArrayBuffer>);
        await d.queue.onSubmittedWorkDone();
        return null;
      }
      case 'freeInputs':
        for (const key of req.keys) {
          inputs.get(key)?.buffer.destroy();
          inputs.delete(key);
        }
        return null;
      case 'compile': {
        const vg = validateGraph(req.graph);
        const bound: Record<string, GpuInput> = {};
        for (const [name, key] of Object.entries(req.inputs)) {
          const input = inputs.get(key);
          if (input === undefined) throw new Error(`input '${key}' was not uploaded`);
          bound[name] = input;
        }
        const g = await runtime.compile(req.variant, vg, new Map(req.weights), bound);
        graphs.set(req.handle, g);
        const reply: CompileReply = { info: g.info };
        return reply;
      }
      case 'check':
        return graph(req.handle).check();
      case 'single': {
        const g = graph(req.handle);
        const ms: number[] = [];
        const start = performance.now();
        for (let r = 0; r < req.reps; r++) {
          const t0 = performance.now();
          await g.issue();
          await g.finish();
          ms.push(performance.now() - t0);
          if (performance.now() - start > req.maxMs) break;
        }
        return ms;
      }
      case 'pipelined': {
        const g = graph(req.handle);
        const t0 = performance.now();
        for (let r = 0; r < req.reps; r++) await g.issue();
        await g.finish();
        return (performance.now() - t0) / req.reps;
      }
      case 'release': {
        const g = graphs.get(req.handle);
        graphs.delete(req.handle);
        await g?.dispose();
        return null;
      }
    }
  };

  let queue: Promise<void> = Promise.resolve();
  process.on('message', (req: PeerRequest) => {
    queue = queue.then(async () => {
      let reply: PeerReply;
      try {
        reply = { id: req.id, ok: true, value: await handle(req) };
      } catch (err) {
        reply = { id: req.id, ok: false, error: errorText(err) };
      }
      process.send?.(reply);
    });
  });
  // The bench went away (done, or killed): nothing left to serve.
  process.on('disconnect', () => process.exit(0));
}

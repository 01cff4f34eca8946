/**
 * Keeps onnxruntime-web's tensor uploads in order with the GPU work it has already recorded.
 *
 * Why: the JSEP WebGPU EP records kernels into one command encoder and submits it later, but it
 * uploads a tensor from the CPU with `queue.writeBuffer`, which takes effect at once on the
 * queue, ahead of every recorded and not yet submitted command. onnxruntime's allocation planner
 * reuses a buffer as soon as its last reader has run in program order, so when a CPU EP node (JSEP
 * has no TopK, for one) feeds the GPU after a kernel was recorded that still reads the reused
 * buffer, the upload overwrites that kernel's input before it runs. Measured with onnxruntime-web
 * 1.30.0 (`tools/jsep/topk-concat.ts`): TopK on [1, 5000] (CPU EP), its int32-cast indices and its
 * values each uploaded to one 400-byte buffer, the indices' Cast to float32 recorded between the
 * two uploads, so the Cast read the values' bits; centernet's detections came out wrong the same
 * way. Releasing a buffer inside JSEP itself is safe (freed buffers wait for the next submit), so
 * only writes into storage buffers while commands are pending are affected.
 *
 * The fix wraps the GPU adapter onnxruntime-web gets (`env.webgpu.adapter`): a write into a storage
 * buffer while a command encoder is open becomes a copy from a staging buffer recorded in that
 * encoder, after the commands before it and before those after it. An open compute pass is ended
 * for the copy and a new one begun, which is invisible to the EP since it sets the pipeline and
 * bind group for every dispatch. (A pass begun again drops its timestamp writes, which only
 * onnxruntime-web's WebGPU profiling uses.) Every other write and call goes straight through.
 * Only the JSEP build creates its device from `env.webgpu.adapter`; the native EP build
 * (`onnxruntime-web/webgpu`) requests its own adapter inside its wasm, so this does not reach it.
 */

/** GPUBufferUsage flags (numeric, so that this file needs no WebGPU globals). */
const USAGE_COPY_SRC = 0x0004;
const USAGE_STORAGE = 0x0080;

interface GpuBufferLike {
  readonly usage: number;
  getMappedRange(): ArrayBuffer;
  unmap(): void;
  destroy(): void;
}
interface ComputePassLike {
  end(): void;
}
interface CommandEncoderLike {
  beginComputePass(descriptor?: object): ComputePassLike;
  copyBufferToBuffer(source: GpuBufferLike, sourceOffset: number, destination: GpuBufferLike, destinationOffset: number, size: number): void;
  finish(descriptor?: object): unknown;
}
interface QueueLike {
  writeBuffer(buffer: GpuBufferLike, bufferOffset: number, data: ArrayBufferLike | ArrayBufferView, dataOffset?: number, size?: number): void;
  submit(commandBuffers: readonly unknown[]): void;
}
interface DeviceLike {
  readonly queue: QueueLike;
  createCommandEncoder(descriptor?: object): CommandEncoderLike;
  createBuffer(descriptor: { size: number; usage: number; mappedAtCreation?: boolean }): GpuBufferLike;
}
interface AdapterLike {
  requestDevice(descriptor?: object): Promise<DeviceLike>;
}

const ORDERED = Symbol.for('skipconn.orderedUploads');

/** The bytes `queue.writeBuffer(buffer, offset, data, dataOffset, size)` writes (a view, not a copy). */
export function writeBufferSource(data: ArrayBufferLike | ArrayBufferView, dataOffset = 0, size?: number): Uint8Array {
  const view = ArrayBuffer.isView(data);
  const source = view ? data.buffer : data;
  // Offsets and sizes count elements for a typed array and bytes for a buffer.
  const unit = view ? ((data as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1) : 1;
  const start = (view ? data.byteOffset : 0) + dataOffset * unit;
  const bytes = size !== undefined ? size * unit : data.byteLength - dataOffset * unit;
  return new Uint8Array(source, start, bytes);
}

/** Whether `value` (a GPUAdapter or GPUDevice) is one that orderUploads wrapped. */
export function hasOrderedUploads(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { [ORDERED]?: boolean })[ORDERED] === true;
}

/** `target`'s property, with methods bound to `target` (native WebGPU objects check their receiver). */
function forward(target: object, prop: string | symbol): unknown {
  const value: unknown = Reflect.get(target, prop, target);
  return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
}

/** A proxy that answers `overrides` first and forwards the rest, writes included, to `target`. */
function wrap<T extends object>(target: T, overrides: Record<string | symbol, unknown>): T {
  return new Proxy(target, {
    get: (t, prop) => (prop in overrides ? overrides[prop] : forward(t, prop)),
    set: (t, prop, value) => Reflect.set(t, prop, value, t),
  });
}

function orderDevice(device: DeviceLike): DeviceLike {
  /** The encoder recorded into and not yet finished, and its open compute pass. */
  let open: CommandEncoderLike | undefined;
  let pass: { real: ComputePassLike; descriptor: object } | undefined;
  let staging: GpuBufferLike[] = [];

  const beginPass = (encoder: CommandEncoderLike, descriptor?: object): ComputePassLike => {
    const holder = { real: encoder.beginComputePass(descriptor), descriptor: { ...descriptor, timestampWrites: undefined } };
    pass = holder;
    // Forwards to whichever real pass is current: a staged write may have replaced it.
    return new Proxy(holder.real, {
      get: (_t, prop) => {
        if (prop === 'end') {
          return () => {
            holder.real.end();
            if (pass === holder) pass = undefined;
          };
        }
        return forward(holder.real, prop);
      },
      set: (_t, prop, value) => Reflect.set(holder.real, prop, value, holder.real),
    });
  };

  const queue = wrap(device.queue, {
    writeBuffer(buffer: GpuBufferLike, bufferOffset: number, data: ArrayBufferLike | ArrayBufferView, dataOffset?: number, size?: number): void {
      const encoder = open;
      const bytes = encoder !== undefined && (buffer.usage & USAGE_STORAGE) !== 0 ? writeBufferSource(data, dataOffset, size) : undefined;
      // Nothing recorded to overtake, or nothing to copy (a size writeBuffer refuses too is left to it to report).
      if (encoder === undefined || bytes === undefined || bytes.byteLength === 0 || bytes.byteLength % 4 !== 0) {
        device.queue.writeBuffer(buffer, bufferOffset, data, dataOffset, size);
        return;
      }
      const source = device.createBuffer({ size: bytes.byteLength, usage: USAGE_COPY_SRC, mappedAtCreation: true });
      new Uint8Array(source.getMappedRange()).set(bytes);
      source.unmap();
      staging.push(source);
      const current = pass;
      current?.real.end();
      encoder.copyBufferToBuffer(source, 0, buffer, bufferOffset, bytes.byteLength);
      if (current !== undefined) current.real = encoder.beginComputePass(current.descriptor);
    },
    submit(commandBuffers: readonly unknown[]): void {
      device.queue.submit(commandBuffers);
      // Destroying after the submit is allowed: the GPU keeps them until those commands are done.
      for (const b of staging) b.destroy();
      staging = [];
    },
  });

  return wrap(device, {
    [ORDERED]: true,
    queue,
    createCommandEncoder(descriptor?: object): CommandEncoderLike {
      const encoder = device.createCommandEncoder(descriptor);
      open = encoder;
      return wrap(encoder, {
        beginComputePass: (d?: object) => beginPass(encoder, d),
        finish(d?: object): unknown {
          if (open === encoder) open = undefined;
          return encoder.finish(d);
        },
      });
    },
  });
}

/** The GPU adapter, wrapped so that the devices it gives have their uploads ordered (see above). */
export function orderUploads<A extends AdapterLike>(adapter: A): A {
  if (hasOrderedUploads(adapter)) return adapter;
  return wrap(adapter, {
    [ORDERED]: true,
    requestDevice: async (descriptor?: object) => orderDevice(await adapter.requestDevice(descriptor)),
  });
}

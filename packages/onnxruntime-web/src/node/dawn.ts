/**
 * WebGPU for onnxruntime-web in Node: `navigator.gpu` from the `webgpu` npm package (Dawn).
 * Only the WebGPU host process (node/webgpu-host.ts) calls this; see docs/onnxruntime-web.md for
 * why it is a process of its own.
 *
 * One incompatibility is patched here: the JSEP build uploads tensors with
 * `queue.writeBuffer(buffer, 0, wasmMemory.buffer, offset, size)`, where the wasm memory of the
 * threaded build is a SharedArrayBuffer, and Dawn's Node binding accepts no SharedArrayBuffer
 * ("no overload matched for writeBuffer"). The patch copies such sources into a plain buffer.
 */
import { selectSwiftShader } from '@skipconn/core/node';
import { writeBufferSource } from '../ordered-uploads';

export const DAWN_FIX =
  'install the `webgpu` npm package and a Vulkan driver Dawn accepts (a GPU driver, or on Debian `apt-get install chromium libvulkan1` for SwiftShader, used automatically when neither VK_ICD_FILENAMES nor VK_DRIVER_FILES is set)';

interface GpuQueueLike {
  writeBuffer(buffer: unknown, bufferOffset: number, data: ArrayBufferLike | ArrayBufferView, dataOffset?: number, size?: number): void;
}

function isShared(b: ArrayBufferLike): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && b instanceof SharedArrayBuffer;
}

function patchWriteBuffer(queueClass: { prototype: GpuQueueLike } | undefined): void {
  if (queueClass === undefined) return;
  const proto = queueClass.prototype as GpuQueueLike & { [key: symbol]: boolean };
  const marker = Symbol.for('skipconn.writeBufferCopiesShared');
  if (proto[marker]) return;
  const original = proto.writeBuffer;
  proto.writeBuffer = function writeBuffer(buffer, bufferOffset, data, dataOffset = 0, size) {
    const source = ArrayBuffer.isView(data) ? data.buffer : data;
    if (!isShared(source)) return original.call(this, buffer, bufferOffset, data, dataOffset, size);
    const copy = writeBufferSource(data, dataOffset, size).slice();
    return original.call(this, buffer, bufferOffset, copy, 0, copy.byteLength);
  };
  proto[marker] = true;
}

/** Installs navigator.gpu (and the WebGPU globals) from the `webgpu` package; throws why it cannot. */
export async function installDawnNavigator(): Promise<void> {
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (g.navigator?.gpu !== undefined) return;
  selectSwiftShader(process.env);
  const webgpu = (await import('webgpu')) as unknown as { create(flags: string[]): unknown; globals: Record<string, unknown> };
  patchWriteBuffer(webgpu.globals['GPUQueue'] as { prototype: GpuQueueLike } | undefined);
  Object.assign(globalThis, webgpu.globals);
  const gpu = webgpu.create([]);
  if (g.navigator === undefined) Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  else Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true, writable: true });
}

/**
 * Graphs that onnxruntime-web 1.30's WebGPU EP claims but cannot run, refused before onnxruntime
 * sees them. Only cases that would damage the runtime belong here: the JSEP pool kernels throw
 * "ceil_mode ... not yet implemented" from their attribute parser, which runs before the kernel's
 * try/finally, so the backend's current-kernel marker is never cleared and every later kernel in
 * the page or process fails with "kernel ... is not allowed to be called recursively"
 * (lib/wasm/jsep/backend-webgpu.ts, computeKernel). Other unsupported nodes fail cleanly in
 * onnxruntime and are left to it.
 */
import type { ModelProto } from '@skipconn/onnx';

/** Why the WebGPU EP must not get this model, or undefined when it may. */
export function webgpuRefusal(model: ModelProto): string | undefined {
  for (const node of model.graph?.node ?? []) {
    if (node.opType !== 'MaxPool' && node.opType !== 'AveragePool') continue;
    const ceil = node.attribute.find((a) => a.name === 'ceil_mode');
    if (ceil !== undefined && (ceil.i ?? 0) !== 0) {
      return `ONNX node '${node.name}' (${node.opType} with ceil_mode=1): onnxruntime-web 1.30's WebGPU ${node.opType} kernel does not implement ceil_mode, and trying it leaves the WebGPU backend unusable for every later kernel`;
    }
  }
  return undefined;
}

/** The message of the stuck-backend error described above. */
export const STUCK_BACKEND = /is not allowed to be called recursively/;

/**
 * @skipconn/onnxruntime-web, Node entry: importing it registers the adapters `ort-web:wasm` (in
 * this process) and `ort-web:webgpu` (in a host process of its own, through Dawn). Nothing loads
 * until init(). Browsers get ./browser.ts instead (package.json "browser" field), where the page
 * passes in the onnxruntime-web build it imported.
 */
import { registerAdapter } from '@skipconn/core';
import { ORT_WEB_WASM, ORT_WEB_WEBGPU, createOrtWebAdapter, type OrtWebSessionOptions } from './adapter';
import { ORT_WEB_FIX, loadOrtWeb } from './node/runtime';
import { createOrtWebGpuProcessAdapter } from './node/webgpu-process';
import { ORT_WEB_EXPECT_FAIL } from './expect-fail';

export * from './adapter';
export { hasOrderedUploads, orderUploads, writeBufferSource } from './ordered-uploads';
export { JSEP_CONV_FUSED_ACTIVATIONS, JSEP_MAX_CONCAT_INPUTS, separateActivationChains, splitWideConcats, webgpuRefusal } from './webgpu-limits';
export { ORT_WEB_EXPECT_FAIL, ORT_WEB_WASM_EXPECT_FAIL, ORT_WEB_WEBGPU_EXPECT_FAIL } from './expect-fail';
export { loadOrtWeb, ORT_WEB_FIX } from './node/runtime';
export type { OrtWebBuild } from './node/runtime';
export { createOrtWebGpuProcessAdapter, weightBatches } from './node/webgpu-process';
export type { OrtWebGpuProcessOptions } from './node/webgpu-process';

/** `ort-web:wasm` in this Node process. */
export function createOrtWebWasmAdapter(options: OrtWebSessionOptions = {}) {
  return createOrtWebAdapter('wasm', { ...options, runtime: () => loadOrtWeb('default'), fix: ORT_WEB_FIX, build: 'in Node' });
}

/** The expect-fail lists `skipconn conformance` applies (the same the package's own tests use). */
export const conformanceExpectFail = ORT_WEB_EXPECT_FAIL;

registerAdapter(ORT_WEB_WASM, () => createOrtWebWasmAdapter(), 30, 'ONNX Runtime Web, wasm execution provider (graph exported to ONNX opset 17)');
registerAdapter(ORT_WEB_WEBGPU, () => createOrtWebGpuProcessAdapter(), 45, 'ONNX Runtime Web, WebGPU execution provider (JSEP) through Dawn, in a host process of its own');

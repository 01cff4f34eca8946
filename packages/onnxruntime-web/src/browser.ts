/**
 * @skipconn/onnxruntime-web, browser entry (`@skipconn/onnxruntime-web/browser`, also picked by
 * bundlers through the package.json "browser" field). No Node built-ins. The page imports the
 * onnxruntime-web build it wants and hands it in, with the URL its .wasm files are served from:
 *
 *   import * as ortWasm from 'onnxruntime-web/wasm';
 *   import * as ortGpu from 'onnxruntime-web/webgpu';
 *   registerOrtWebAdapters({ wasm: ortWasm, webgpu: ortGpu, wasmPaths: '/ort/' });
 */
import { registerAdapter } from '@skipconn/core';
import { ORT_WEB_WASM, ORT_WEB_WEBGPU, createOrtWebAdapter, type OrtWebRuntime, type OrtWebSessionOptions } from './adapter';

export * from './adapter';
export { hasOrderedUploads, orderUploads, writeBufferSource } from './ordered-uploads';
export { JSEP_CONV_FUSED_ACTIVATIONS, JSEP_MAX_CONCAT_INPUTS, separateActivationChains, splitWideConcats, webgpuRefusal } from './webgpu-limits';
export { ORT_WEB_EXPECT_FAIL, ORT_WEB_WASM_EXPECT_FAIL, ORT_WEB_WEBGPU_EXPECT_FAIL } from './expect-fail';

export interface BrowserRuntimes extends OrtWebSessionOptions {
  /** A build with the wasm EP: `onnxruntime-web`, `onnxruntime-web/wasm` or any other. */
  readonly wasm?: OrtWebRuntime;
  /** A build with a WebGPU EP: `onnxruntime-web/webgpu` or `onnxruntime-web/all`. */
  readonly webgpu?: OrtWebRuntime;
  /** Where the runtime's .wasm (and .mjs) files are served, e.g. '/ort/' (sets env.wasm.wasmPaths). */
  readonly wasmPaths?: string;
}

export interface BrowserAdapterOptions extends OrtWebSessionOptions {
  /** Where the runtime's .wasm files are served (env.wasm.wasmPaths). */
  readonly wasmPaths?: string;
  /** Which build this is, for info.backend (e.g. 'onnxruntime-web/webgpu'). */
  readonly build?: string;
}

const FIX = 'import onnxruntime-web in the page and pass it to registerOrtWebAdapters()';

function prepared(runtime: OrtWebRuntime, wasmPaths: string | undefined): OrtWebRuntime {
  if (wasmPaths !== undefined) runtime.env.wasm.wasmPaths = wasmPaths;
  return runtime;
}

/** `ort-web:wasm` on a given onnxruntime-web module. */
export function createBrowserWasmAdapter(runtime: OrtWebRuntime, options: BrowserAdapterOptions = {}) {
  return createOrtWebAdapter('wasm', { ...options, runtime: () => prepared(runtime, options.wasmPaths), fix: FIX });
}

/** `ort-web:webgpu` on a given onnxruntime-web module (one with a WebGPU EP). */
export function createBrowserWebGpuAdapter(runtime: OrtWebRuntime, options: BrowserAdapterOptions = {}) {
  return createOrtWebAdapter('webgpu', { ...options, runtime: () => prepared(runtime, options.wasmPaths), fix: FIX });
}

/** Registers `ort-web:wasm` and `ort-web:webgpu` for the builds given. */
export function registerOrtWebAdapters(runtimes: BrowserRuntimes): void {
  const { wasm, webgpu, ...options } = runtimes;
  if (wasm !== undefined) registerAdapter(ORT_WEB_WASM, () => createBrowserWasmAdapter(wasm, options), 30, 'ONNX Runtime Web, wasm execution provider');
  if (webgpu !== undefined) registerAdapter(ORT_WEB_WEBGPU, () => createBrowserWebGpuAdapter(webgpu, options), 45, 'ONNX Runtime Web, WebGPU execution provider');
}

/**
 * ort-web:wasm and ort-web:webgpu in the page: `onnxruntime-web/wasm` for the wasm EP, and
 * `onnxruntime-web/all` (the JSEP build) for WebGPU, the same WebGPU EP that runs in Node, so
 * the adapter means one thing everywhere. (`onnxruntime-web/webgpu`, the native C++ WebGPU EP,
 * was measured too: see docs/onnxruntime-web.md.) Both load their .wasm and wasm glue from
 * ORT_WASM_PATH.
 */
import * as ortWasm from 'onnxruntime-web/wasm';
import * as ortWebGpu from 'onnxruntime-web/all';
import { createBrowserWasmAdapter, createBrowserWebGpuAdapter, type OrtWebRuntime } from '@skipconn/onnxruntime-web/browser';
import { ORT_WASM_PATH, type PageAdapterProvider } from './provider';

export const providers: readonly PageAdapterProvider[] = [
  {
    name: 'ort-web:wasm',
    description: 'ONNX Runtime Web, wasm EP (onnxruntime-web/wasm)',
    create: () => createBrowserWasmAdapter(ortWasm as unknown as OrtWebRuntime, { wasmPaths: ORT_WASM_PATH, build: 'onnxruntime-web/wasm in Chromium' }),
  },
  {
    name: 'ort-web:webgpu',
    description: 'ONNX Runtime Web, WebGPU EP (JSEP, onnxruntime-web/all)',
    create: () => createBrowserWebGpuAdapter(ortWebGpu as unknown as OrtWebRuntime, { wasmPaths: ORT_WASM_PATH, build: 'onnxruntime-web/all (JSEP) in Chromium' }),
  },
];

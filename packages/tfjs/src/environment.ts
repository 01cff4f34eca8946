/**
 * What the GPU backends need from the runtime, checked before tfjs is touched, so an adapter
 * that cannot run says why. Shared by the Node entry (src/backends.ts) and the browser entry
 * (src/browser.ts); no imports beyond core, so it is safe in both.
 */
import { AdapterUnavailableError } from '@skipconn/core';

export const WEBGPU_FIX =
  'run in a browser with WebGPU, or in Node set globalThis.navigator = { gpu } from the `webgpu` package (Dawn) before init ' + '(docs/tfjs.md); with @tensorflow/tfjs-backend-webgpu@4.22.0 installed';

export const WEBGL_FIX = 'run in a browser with @tensorflow/tfjs-backend-webgl@4.22.0 installed; in Node use tfjs:node, tfjs:wasm or tfjs:cpu';

/** Throws when this runtime has no navigator.gpu. */
export function requireWebGpu(adapter: string): void {
  const gpu = (globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu;
  if (gpu === undefined) throw new AdapterUnavailableError(adapter, 'navigator.gpu is not defined: no WebGPU in this runtime (plain Node has none)', WEBGPU_FIX);
}

/** Throws when this runtime has neither a document nor OffscreenCanvas (WebGL needs one). */
export function requireWebGlHost(adapter: string): void {
  const g = globalThis as { document?: unknown; OffscreenCanvas?: unknown };
  if (g.document === undefined && g.OffscreenCanvas === undefined) {
    throw new AdapterUnavailableError(adapter, 'WebGL needs a browser (no document or OffscreenCanvas here, as in Node)', WEBGL_FIX);
  }
}

/**
 * A page adapter provider: one adapter the test page can create. Each provider module in this
 * folder exports `providers`; the Node side bundles the modules whose packages are installed
 * and browser-safe (see ../providers.ts).
 */
import type { Adapter } from '@skipconn/core';

export interface PageAdapterProvider {
  /** The adapter's own name ('ort-web:webgpu'); the Node proxy is called '<name>@chromium'. */
  readonly name: string;
  readonly description: string;
  create(): Adapter | Promise<Adapter>;
}

/** Where the server exposes node_modules/onnxruntime-web/dist (see ../server.ts). */
export const ORT_WASM_PATH = '/ort/';

/**
 * Loading onnxruntime-web in Node. `createRequire(__filename)` is Node's own require even inside
 * jest's module sandbox: onnxruntime-web's CommonJS build loads its wasm glue with a dynamic
 * `import()`, which jest's sandbox only supports under --experimental-vm-modules. Loaded this way
 * the runtime lives in Node's main realm, so the adapter re-views typed arrays with the runtime's
 * constructors at the boundary (convert.ts). In a plain Node process this is just `require`.
 */
import { createRequire } from 'module';
import type { OrtWebRuntime } from '../adapter';

/** 'default': the wasm build (`onnxruntime-web`); 'all': the JSEP build with the WebGPU EP (`onnxruntime-web/all`). */
export type OrtWebBuild = 'default' | 'all';

export const ORT_WEB_FIX = 'npm install onnxruntime-web@~1.30.0';

export function loadOrtWeb(build: OrtWebBuild = 'default'): OrtWebRuntime {
  const nodeRequire = createRequire(__filename);
  return nodeRequire(build === 'all' ? 'onnxruntime-web/all' : 'onnxruntime-web') as OrtWebRuntime;
}

/**
 * Loading onnxruntime-web in Node. Its CommonJS build loads its wasm glue with a dynamic
 * `import()`, which jest's module sandbox refuses unless Node runs with
 * --experimental-vm-modules. So the module is loaded with Node's own loader: `Module._load`,
 * which is what `require` calls in a plain process, and which jest's sandboxed `module` class
 * still inherits (jest replaces `require` and `module.createRequire`, not `_load`). Loaded this
 * way under jest, the runtime lives in Node's main realm, so the adapter re-views typed arrays
 * with the runtime's own constructors at the boundary (convert.ts).
 */
import Module, { createRequire } from 'module';
import type { OrtWebRuntime } from '../adapter';

/** 'default': the wasm build (`onnxruntime-web`); 'all': the JSEP build with the WebGPU EP (`onnxruntime-web/all`). */
export type OrtWebBuild = 'default' | 'all';

export const ORT_WEB_FIX = 'npm install onnxruntime-web@~1.30.0 (under jest without a working Module._load, run jest with NODE_OPTIONS=--experimental-vm-modules)';

type NodeLoader = (request: string, parent: unknown, isMain: boolean) => unknown;

export function loadOrtWeb(build: OrtWebBuild = 'default'): OrtWebRuntime {
  const requireHere = createRequire(__filename);
  const file = requireHere.resolve(build === 'all' ? 'onnxruntime-web/all' : 'onnxruntime-web');
  const load = (Module as unknown as { _load?: NodeLoader })._load;
  return (typeof load === 'function' ? load(file, null, false) : requireHere(file)) as OrtWebRuntime;
}

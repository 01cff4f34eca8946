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

/**
 * onnxruntime-web registers its wasm backend under the EP name 'cpu' in the onnxruntime-common
 * that onnxruntime-node shares, and onnxruntime-common 1.30 never replaces a registered name,
 * whatever the priority: a plain onnxruntime-node `InferenceSession.create` with 'cpu' in the same
 * process would then run on onnxruntime-web's wasm kernels. Loading onnxruntime-node first, when
 * it is installed, keeps 'cpu' its own (onnxruntime-web's registration is then ignored; its
 * sessions ask for 'wasm' or 'webgpu').
 */
function loadOrtNodeFirst(requireHere: NodeJS.Require, load: NodeLoader | undefined): void {
  try {
    // With the loader that loads onnxruntime-web, so that both land in the same module cache.
    const file = requireHere.resolve('onnxruntime-node');
    if (typeof load === 'function') load(file, null, false);
    else requireHere(file);
  } catch {
    // Not installed (or its binary does not load here): nothing to protect.
  }
}

export function loadOrtWeb(build: OrtWebBuild = 'default'): OrtWebRuntime {
  const requireHere = createRequire(__filename);
  const load = (Module as unknown as { _load?: NodeLoader })._load;
  loadOrtNodeFirst(requireHere, load);
  const file = requireHere.resolve(build === 'all' ? 'onnxruntime-web/all' : 'onnxruntime-web');
  return (typeof load === 'function' ? load(file, null, false) : requireHere(file)) as OrtWebRuntime;
}

/**
 * @skipconn/tfjs, browser entry (`@skipconn/tfjs/browser`): no Node built-ins and no import() of
 * its own. The page imports tfjs-core and the backends it wants (each registers itself with
 * tfjs-core's engine) and hands tfjs-core in, so a bundler sees every module statically and the
 * backends share the page's one tfjs engine:
 *
 *   import * as tf from '@tensorflow/tfjs-core';
 *   import '@tensorflow/tfjs-backend-webgl';
 *   import '@tensorflow/tfjs-backend-webgpu';
 *   import { registerTfjsBrowserAdapters } from '@skipconn/tfjs/browser';
 *   registerTfjsBrowserAdapters(tf);   // tfjs:webgpu and tfjs:webgl (the backends registered)
 */
import { AdapterUnavailableError, registerAdapter } from '@skipconn/core';
import { createTfjsAdapter, type TfjsAdapter, type TfjsBackendSpec } from './adapter';
import { WEBGL_FIX, WEBGPU_FIX, requireWebGlHost, requireWebGpu } from './environment';
import type { Tf } from './tf';

export { createTfjsAdapter, tfjsWhyUnsupported } from './adapter';
export type { TfjsAdapter, TfjsBackendSpec } from './adapter';
export { TFJS_DTYPES } from './compile';
export type { TfjsCompiledGraph, TfRuntime } from './compile';
export type { Tf } from './tf';
export { TFJS_WEBGL_EXPECT_FAIL, TFJS_WEBGPU_EXPECT_FAIL } from './expect-fail';

/** The tfjs backends a page can hand in. */
export type TfjsBrowserBackend = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

interface BrowserBackendInfo {
  readonly package: string;
  readonly description: string;
  readonly priority: number;
  readonly check?: (adapter: string) => void;
  readonly fix?: string;
}

const BROWSER_BACKENDS: Readonly<Record<TfjsBrowserBackend, BrowserBackendInfo>> = {
  webgpu: { package: '@tensorflow/tfjs-backend-webgpu', description: 'TensorFlow.js WebGPU backend in the browser', priority: 35, check: requireWebGpu, fix: WEBGPU_FIX },
  webgl: { package: '@tensorflow/tfjs-backend-webgl', description: 'TensorFlow.js WebGL backend in the browser', priority: 30, check: requireWebGlHost, fix: WEBGL_FIX },
  // The page must call setWasmPaths(<url of the .wasm files>) from tfjs-backend-wasm first.
  wasm: { package: '@tensorflow/tfjs-backend-wasm', description: 'TensorFlow.js WebAssembly backend in the browser', priority: 25, fix: 'call setWasmPaths(<url>) from @tensorflow/tfjs-backend-wasm before init' },
  cpu: { package: '@tensorflow/tfjs-backend-cpu', description: 'TensorFlow.js plain JavaScript cpu backend in the browser', priority: 20 },
};

/** The backend spec of `tfjs:<backend>` on the tfjs-core namespace the page hands in. */
export function tfjsBrowserSpec(backend: TfjsBrowserBackend, tf: Tf): TfjsBackendSpec {
  const b = BROWSER_BACKENDS[backend];
  const name = `tfjs:${backend}`;
  return {
    name,
    backend,
    description: `${b.description} (${b.package})`,
    ...(b.fix !== undefined ? { fix: b.fix } : {}),
    async load() {
      b.check?.(name);
      if (tf.findBackendFactory(backend) === null) {
        throw new AdapterUnavailableError(name, `no '${backend}' backend is registered with the tfjs-core handed in`, `import '${b.package}' (the same 4.22.0 as tfjs-core) in the page before init`);
      }
      return tf;
    },
  };
}

/** `tfjs:<backend>` on the page's tfjs-core (see the module comment). */
export function createBrowserTfjsAdapter(backend: TfjsBrowserBackend, tf: Tf): TfjsAdapter {
  return createTfjsAdapter(tfjsBrowserSpec(backend, tf));
}

/**
 * Registers `tfjs:<backend>` with the core registry for each backend registered with `tf` (by
 * default all four that are); returns the adapter names.
 */
export function registerTfjsBrowserAdapters(tf: Tf, backends: readonly TfjsBrowserBackend[] = ['webgpu', 'webgl', 'wasm', 'cpu']): string[] {
  const names: string[] = [];
  for (const backend of backends) {
    if (tf.findBackendFactory(backend) === null) continue;
    const spec = tfjsBrowserSpec(backend, tf);
    registerAdapter(spec.name, () => createTfjsAdapter(spec), BROWSER_BACKENDS[backend].priority, spec.description);
    names.push(spec.name);
  }
  return names;
}

/**
 * The adapters the test page can host, by provider module (src/page/<module>.ts). A module is
 * bundled only when the packages it needs resolve here; one that fails to bundle is left out
 * with the reason, and its adapters report that reason as their unavailability.
 *
 * Extension point: to run another package's adapter in the browser, give that package a
 * browser-safe entry (no Node built-ins on the browser path, runtimes imported statically or
 * handed in, as @skipconn/onnxruntime-web/browser does), add src/page/<module>.ts exporting
 * `providers`, and list it here.
 */
export interface ProviderModule {
  /** File name under src/page, without extension. */
  readonly module: string;
  /** Adapter names its `providers` export offers. */
  readonly adapters: readonly string[];
  /** Packages it imports; the module is bundled only when all of them resolve. */
  readonly needs: readonly string[];
  /** Set when the module cannot be offered at all yet: why. */
  readonly pending?: string;
}

export const PROVIDER_MODULES: readonly ProviderModule[] = [
  { module: 'ort-web', adapters: ['ort-web:wasm', 'ort-web:webgpu'], needs: ['onnxruntime-web', '@skipconn/onnxruntime-web/browser'] },
  { module: 'webgpu', adapters: ['webgpu'], needs: ['@skipconn/webgpu/browser'] },
  {
    module: 'tfjs',
    adapters: ['tfjs:webgl', 'tfjs:webgpu'],
    needs: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-webgl', '@tensorflow/tfjs-backend-webgpu', '@skipconn/tfjs/browser'],
  },
];

/** Suffix of the Node-side proxy names: 'ort-web:webgpu@chromium'. */
export const BROWSER_SUFFIX = '@chromium';

/** Every browser adapter name the harness knows, in report order. */
export const BROWSER_ADAPTERS: readonly string[] = PROVIDER_MODULES.flatMap((m) => m.adapters.map((a) => `${a}${BROWSER_SUFFIX}`));

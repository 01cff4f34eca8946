/**
 * A browser adapter as Node sees it: a proxy named '<adapter>@chromium' whose calls run the real
 * adapter inside the harness page. The conformance suite, the jest entry and the CLI use it like
 * any other adapter, so verdicts, tolerances and leak checks are computed by the same code as in
 * Node; resources() reports the page's own counts, which arrive with every reply.
 */
import { AdapterUnavailableError, SkipconnError, checkFeeds, tableWhyUnsupported, decodeError, type Adapter, type CompiledGraph, type DType, type HostTensor, type ResourceCounts } from '@skipconn/core';
import { EXPORTERS } from '@skipconn/onnx';
import { tfjsWhyUnsupported } from '@skipconn/tfjs/browser';
import { webgpuWhyUnsupported } from '@skipconn/webgpu';
import { CHROMIUM_FIX, browserUnavailableReason } from './chromium';
import { BROWSER_SUFFIX, PROVIDER_MODULES } from './providers';
import { acquireBrowser, releaseBrowser, type BrowserSession } from './session';
import { decodeTensors, encodeTensors, type CompileReply, type HarnessRequest, type InitReply } from './wire';

export interface BrowserAdapterOptions {
  /** Which ops and dtypes the page adapter does not run, and why (the proxy answers without a round trip). */
  readonly whyUnsupported?: (op: string, dtype: DType) => string | undefined;
}

/** What each page adapter does not run, known on the Node side without loading the browser. */
function defaultWhyUnsupported(pageName: string): (op: string, dtype: DType) => string | undefined {
  // ort-web exports every op through @skipconn/onnx and runs float32, and int32 in and out of cast (its DTYPES in Node).
  if (pageName.startsWith('ort-web:')) return (op, dtype) => tableWhyUnsupported(EXPORTERS, ['float32', 'int32'], op, dtype);
  // tfjs: every core op, float32 and float16 (computed in float32), on every backend.
  if (pageName.startsWith('tfjs:')) return tfjsWhyUnsupported;
  // webgpu: float32, float16 (computed in float32) and int32 at the ops with int32 kernels.
  if (pageName === 'webgpu') return webgpuWhyUnsupported;
  return (_op, dtype) => (dtype === 'float32' ? undefined : `dtype ${dtype} is not run (this page adapter runs float32)`);
}

/** The proxy of page adapter `pageName` ('ort-web:webgpu'), named 'ort-web:webgpu@chromium'. */
export function createBrowserAdapter(pageName: string, options: BrowserAdapterOptions = {}): Adapter {
  const name = `${pageName}${BROWSER_SUFFIX}`;
  const whyUnsupported = options.whyUnsupported ?? defaultWhyUnsupported(pageName);
  let session: BrowserSession | undefined;
  let instance: number | undefined;
  let resources: ResourceCounts = {};

  const call = async <T>(req: HarnessRequest): Promise<T> => {
    if (session === undefined) throw new SkipconnError('USAGE', `adapter ${name}: call init() before compile()`);
    const reply = await session.call(req);
    if (reply.resources !== undefined) resources = reply.resources;
    if (!reply.ok) throw decodeError(reply.error, { adapter: name });
    return reply.value as T;
  };

  return {
    name,
    async init() {
      if (instance !== undefined) return;
      const module = PROVIDER_MODULES.find((m) => m.adapters.includes(pageName));
      if (module?.pending !== undefined) throw new AdapterUnavailableError(name, module.pending);
      const reason = browserUnavailableReason();
      if (reason !== undefined) throw new AdapterUnavailableError(name, reason, reason.startsWith('no Chromium') ? CHROMIUM_FIX : 'npm install -D playwright-core esbuild');
      try {
        session = await acquireBrowser();
      } catch (err) {
        throw new AdapterUnavailableError(name, `the browser harness did not start: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`, CHROMIUM_FIX);
      }
      try {
        if (module !== undefined && session.excluded.has(module.module)) throw new AdapterUnavailableError(name, `not in the test page: ${session.excluded.get(module.module)}`);
        const reply = await call<InitReply>({ op: 'init', adapter: pageName });
        instance = reply.instance;
      } catch (err) {
        session = undefined;
        await releaseBrowser();
        throw err;
      }
    },
    whyUnsupported,
    async compile(graph, weights, compileOptions) {
      if (instance === undefined) throw new SkipconnError('USAGE', `adapter ${name}: call init() before compile()`);
      const inst = instance;
      const reply = await call<CompileReply>({ op: 'compile', instance: inst, graph: graph.graph, weights: encodeTensors(weights), options: { ...(compileOptions ?? {}) } });
      let disposed = false;
      const compiled: CompiledGraph = {
        info: reply.info,
        async run(feeds) {
          if (disposed) throw new SkipconnError('USAGE', `${name}: run() after dispose()`);
          checkFeeds(graph, feeds);
          const out = await call<Record<string, never>>({ op: 'run', instance: inst, handle: reply.handle, feeds: encodeTensors(Object.entries(feeds)) });
          return decodeTensors(out) as Record<string, HostTensor>;
        },
        async dispose() {
          if (disposed) return;
          disposed = true;
          await call({ op: 'release', instance: inst, handle: reply.handle });
        },
      };
      return compiled;
    },
    resources() {
      return resources;
    },
    async dispose() {
      if (session === undefined) return;
      if (instance !== undefined) await call({ op: 'dispose', instance }).catch(() => undefined);
      instance = undefined;
      resources = {};
      session = undefined;
      await releaseBrowser();
    },
  };
}

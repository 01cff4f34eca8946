/**
 * Bundles the test page with esbuild, in memory, once per process: the provider modules whose
 * packages resolve (providers.ts) plus the page's request handler (page/serve.ts). A provider
 * that breaks the bundle is dropped and the bundle retried without it, so one package's
 * unfinished browser entry cannot take the others down.
 */
import { createRequire } from 'module';
import * as fs from 'fs';
import * as path from 'path';
import type { Plugin } from 'esbuild';
import { PROVIDER_MODULES, type ProviderModule } from './providers';

export interface PageBundle {
  readonly js: string;
  /** Provider modules left out, with the reason (their adapters report it). */
  readonly excluded: ReadonlyMap<string, string>;
  readonly ms: number;
}

/**
 * The page's TypeScript sources, bundled at run time (which provider modules go in depends on
 * what is installed): src/page beside this file in a checkout, ../src/page from dist/ in an
 * installed package (the package ships them).
 */
const PAGE_DIR = [path.join(__dirname, 'page'), path.join(__dirname, '..', 'src', 'page')].find((d) => fs.existsSync(path.join(d, 'serve.ts'))) ?? path.join(__dirname, 'page');

function resolves(spec: string): boolean {
  try {
    createRequire(__filename).resolve(spec);
    return true;
  } catch {
    return false;
  }
}

function entrySource(modules: readonly ProviderModule[]): string {
  const imports = modules.map((m, i) => `import { providers as p${i} } from './${m.module}';`);
  return [...imports, "import { serve } from './serve';", `serve([${modules.map((_, i) => `...p${i}`).join(', ')}]);`, ''].join('\n');
}

async function build(modules: readonly ProviderModule[]): Promise<string> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    stdin: { contents: entrySource(modules), resolveDir: PAGE_DIR, sourcefile: 'harness-entry.ts', loader: 'ts' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    // onnxruntime-web: load the wasm glue (.mjs) from ORT_WASM_PATH instead of inlining it, so
    // its pthread workers start from the glue file rather than from this bundle.
    conditions: ['onnxruntime-web-use-extern-wasm'],
    plugins: [nodeBuiltinStubs],
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const file = result.outputFiles[0];
  if (file === undefined) throw new Error('esbuild produced no output');
  return file.text;
}

/**
 * Node-only code paths of some packages (behind runtime checks, e.g. @skipconn/webgpu's worker
 * host) import Node built-ins; in the page they become empty CommonJS modules, never reached.
 */
const NODE_BUILTINS = /^(node:.*|fs|path|os|url|module|util|worker_threads|child_process|crypto|http|net|stream|zlib)$/;
const nodeBuiltinStubs: Plugin = {
  name: 'node-builtin-stubs',
  setup(b) {
    b.onResolve({ filter: NODE_BUILTINS }, (args) => ({ path: args.path, namespace: 'node-builtin-stub' }));
    b.onLoad({ filter: /.*/, namespace: 'node-builtin-stub' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
  },
};

let cached: Promise<PageBundle> | undefined;

/** The page bundle (built on first use). */
export function pageBundle(): Promise<PageBundle> {
  cached ??= (async () => {
    const start = performance.now();
    const excluded = new Map<string, string>();
    let modules = PROVIDER_MODULES.filter((m) => {
      if (m.pending !== undefined) excluded.set(m.module, m.pending);
      else {
        const missing = m.needs.filter((n) => !resolves(n));
        if (missing.length > 0) excluded.set(m.module, `${missing.join(', ')} not installed`);
      }
      return !excluded.has(m.module);
    });
    for (;;) {
      try {
        return { js: await build(modules), excluded, ms: Math.round(performance.now() - start) };
      } catch (err) {
        // Find the provider module that breaks the bundle: build each alone.
        let culprit: ProviderModule | undefined;
        for (const m of modules) {
          try {
            await build([m]);
          } catch (e) {
            culprit = m;
            excluded.set(m.module, `its page module does not bundle for the browser: ${(e instanceof Error ? e.message : String(e)).split('\n').slice(0, 3).join(' ')}`);
            break;
          }
        }
        if (culprit === undefined) throw err;
        modules = modules.filter((m) => m !== culprit);
      }
    }
  })();
  cached.catch(() => {
    cached = undefined;
  });
  return cached;
}

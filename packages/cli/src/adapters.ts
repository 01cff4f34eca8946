/**
 * Adapter packages register their adapters when imported, and the CLI does not depend on them
 * (they bring native runtimes). This file loads whichever of the known packages are installed, so
 * `skipconn adapters` and `skipconn conformance` see every adapter that can exist here.
 *
 * A package may also export `conformanceExpectFail` ({ [adapter]: { [case id]: reason } }), the
 * same lists its own jest test passes to describeConformance; `skipconn conformance` uses them.
 */
import { MissingPackageError, SkipconnError, isModuleNotFound } from '@skipconn/core';
import type { ExpectFailMap } from '@skipconn/conformance';

/** The adapter packages of this repository, in the order their adapters are listed. */
export const ADAPTER_PACKAGES: readonly string[] = ['@skipconn/onnxruntime-node', '@skipconn/onnxruntime-web', '@skipconn/tfjs', '@skipconn/webgpu'];

export interface AdapterPackage {
  readonly package: string;
  /** Imported (its adapters are registered). */
  readonly loaded: boolean;
  /** Set when the package is installed but failed to load. */
  readonly error?: string;
  readonly expectFail?: Readonly<Record<string, ExpectFailMap>>;
}

let cache: Promise<AdapterPackage[]> | undefined;

/**
 * Imports every installed adapter package once; never throws. Resolved from this file, so a
 * globally installed CLI finds adapter packages installed globally beside it.
 */
export function loadAdapterPackages(packages: readonly string[] = ADAPTER_PACKAGES): Promise<AdapterPackage[]> {
  if (cache !== undefined && packages === ADAPTER_PACKAGES) return cache;
  const result = Promise.all(
    packages.map(async (pkg): Promise<AdapterPackage> => {
      try {
        const mod = (await import(pkg)) as { conformanceExpectFail?: Record<string, ExpectFailMap> };
        return { package: pkg, loaded: true, ...(mod.conformanceExpectFail ? { expectFail: mod.conformanceExpectFail } : {}) };
      } catch (err) {
        if (isModuleNotFound(err, pkg)) return { package: pkg, loaded: false };
        return { package: pkg, loaded: false, error: err instanceof Error ? err.message.split('\n')[0]! : String(err) };
      }
    }),
  );
  if (packages === ADAPTER_PACKAGES) cache = result;
  return result;
}

/** The expect-fail lists the loaded packages export, merged by adapter name. */
export function packageExpectFail(packages: readonly AdapterPackage[]): Record<string, ExpectFailMap> {
  const out: Record<string, ExpectFailMap> = {};
  for (const p of packages) for (const [adapter, list] of Object.entries(p.expectFail ?? {})) out[adapter] = { ...(out[adapter] ?? {}), ...list };
  return out;
}

/**
 * The browser harness (optional package, `skipconn conformance --browser`): registers proxy
 * adapters named '<adapter>@chromium' that run the real adapters inside headless Chromium.
 */
export const BROWSER_HARNESS_PACKAGE = '@skipconn/browser-harness';

export interface BrowserAdapters {
  /** The registered proxy names, in report order. */
  readonly names: readonly string[];
  /** Their expect-fail lists, by proxy name. */
  readonly expectFail: Readonly<Record<string, ExpectFailMap>>;
}

/** Loads the browser harness and registers its adapters; a usage error when it is not installed. */
export async function loadBrowserAdapters(): Promise<BrowserAdapters> {
  let mod: { registerBrowserAdapters(): string[]; BROWSER_EXPECT_FAIL?: Record<string, ExpectFailMap> };
  try {
    mod = (await import(BROWSER_HARNESS_PACKAGE)) as typeof mod;
  } catch (err) {
    if (isModuleNotFound(err, BROWSER_HARNESS_PACKAGE)) throw new MissingPackageError('--browser', BROWSER_HARNESS_PACKAGE, `npm install ${BROWSER_HARNESS_PACKAGE} playwright-core esbuild, and apt-get install chromium`);
    const why = isModuleNotFound(err, BROWSER_HARNESS_PACKAGE) ? 'it is not installed' : `it failed to load: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
    throw new SkipconnError('USAGE', `--browser needs ${BROWSER_HARNESS_PACKAGE}, but ${why}`);
  }
  return { names: mod.registerBrowserAdapters(), expectFail: mod.BROWSER_EXPECT_FAIL ?? {} };
}

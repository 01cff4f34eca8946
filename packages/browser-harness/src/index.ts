/**
 * @skipconn/browser-harness: skipconn adapters inside headless Chromium. Importing it registers
 * nothing; registerBrowserAdapters() adds the proxies ('ort-web:wasm@chromium', ...) to the core
 * registry, which is what `skipconn conformance --browser` does. See docs/browser.md.
 */
import { registerAdapter } from '@skipconn/core';
import { createBrowserAdapter } from './adapter';
import { BROWSER_ADAPTERS, BROWSER_SUFFIX, PROVIDER_MODULES } from './providers';

export { createBrowserAdapter } from './adapter';
export type { BrowserAdapterOptions } from './adapter';
export { BROWSER_ADAPTERS, BROWSER_SUFFIX, PROVIDER_MODULES } from './providers';
export type { ProviderModule } from './providers';
export { CHROMIUM_FLAGS, CHROMIUM_FIX, DEFAULT_CHROMIUM, browserUnavailableReason, chromiumPath } from './chromium';
export { acquireBrowser, releaseBrowser, CALL_TIMEOUT_MS } from './session';
export type { BrowserSession } from './session';
export { pageBundle } from './bundle';
export { startPageServer } from './server';
export { BROWSER_EXPECT_FAIL } from './expect-fail';

/** The proxy for a browser adapter name ('ort-web:webgpu@chromium'). */
export function browserAdapterFor(name: string) {
  if (!name.endsWith(BROWSER_SUFFIX)) throw new Error(`${name} is not a browser adapter name (expected '<adapter>${BROWSER_SUFFIX}')`);
  return createBrowserAdapter(name.slice(0, -BROWSER_SUFFIX.length));
}

/** Registers every browser adapter proxy with the core registry; returns their names. */
export function registerBrowserAdapters(): string[] {
  for (const m of PROVIDER_MODULES) {
    for (const a of m.adapters) registerAdapter(`${a}${BROWSER_SUFFIX}`, () => createBrowserAdapter(a), 10, `${a} inside headless Chromium (browser harness)`);
  }
  return [...BROWSER_ADAPTERS];
}

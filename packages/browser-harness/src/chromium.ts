/**
 * Debian's Chromium, driven by playwright-core. We never download a browser: the executable is
 * SKIPCONN_CHROMIUM or /usr/bin/chromium. Flags from docs/browser.md: headless, no sandbox (CI
 * containers run as root), nothing that phones home, and --enable-unsafe-webgpu, without which
 * headless Chromium on Linux exposes no WebGPU adapter. playwright's launch() gives every run a
 * fresh temporary --user-data-dir and removes it afterwards.
 */
import { createRequire } from 'module';
import * as fs from 'fs';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

export const CHROMIUM_FLAGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-unsafe-webgpu',
];

export const CHROMIUM_FIX = 'on Debian or Ubuntu `apt-get install chromium` (or point SKIPCONN_CHROMIUM at a Chromium or Chrome executable)';

export function chromiumPath(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return env['SKIPCONN_CHROMIUM'] ?? DEFAULT_CHROMIUM;
}

/** Why the browser harness cannot run here, or undefined when it can. */
export function browserUnavailableReason(env: Readonly<Record<string, string | undefined>> = process.env): string | undefined {
  const exe = chromiumPath(env);
  if (!fs.existsSync(exe)) return `no Chromium at ${exe}`;
  for (const pkg of ['playwright-core', 'esbuild']) {
    try {
      createRequire(__filename).resolve(pkg);
    } catch {
      return `the ${pkg} package is not installed`;
    }
  }
  return undefined;
}

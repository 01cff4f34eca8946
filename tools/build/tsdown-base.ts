/**
 * The one build recipe every package shares: each public entry (the package's `exports` map)
 * built by tsdown (rolldown) to ESM (.mjs) and CommonJS (.cjs), with bundled declarations for
 * both module systems (.d.mts, .d.cts) and their declaration maps. Dependencies and peers stay
 * external.
 *
 * `internal` entries are the scripts a worker thread or child process starts from (core's
 * entryFile finds them): each is bundled on its own into one CommonJS file, so that no chunk
 * the library shares can end up inside a script that runs when it is loaded.
 */
import type { UserConfig } from 'tsdown';

const COMMON: UserConfig = {
  platform: 'node',
  target: 'node20',
  outDir: 'dist',
  fixedExtension: true,
  sourcemap: true,
  shims: true,
  tsconfig: '../../tsconfig.build.json',
};

export function libraryConfig(entry: Record<string, string>, internal: Record<string, string> = {}): UserConfig[] {
  const library: UserConfig = { ...COMMON, entry, format: ['esm', 'cjs'], clean: true, dts: { sourcemap: true } };
  const scripts = Object.entries(internal).map(([name, file]): UserConfig => ({ ...COMMON, entry: { [name]: file }, format: ['cjs'], clean: false, dts: false }));
  return [library, ...scripts];
}

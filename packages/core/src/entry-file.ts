/**
 * Node only. Worker threads and child processes need a file to start from. An installed package
 * ships compiled JavaScript (`dist/<name>.cjs`); a checkout of the repository has only the
 * TypeScript source (`src/.../<name>.ts`), which runs through tsx's CommonJS hook, a development
 * dependency of the repository. This finds whichever of the two sits beside the calling module.
 */
import * as fs from 'fs';
import { createRequire } from 'module';
import * as path from 'path';
import { SkipconnError } from './errors';

export interface EntryFile {
  /** Absolute path of the script to start. */
  readonly file: string;
  /** Node flags the script needs (tsx's hook for a .ts source), to put in execArgv. */
  readonly execArgv: readonly string[];
  /** Environment the script needs: for a source, the repository's tsconfig (its `paths` map `@skipconn/*` to sources). */
  readonly env: Readonly<Record<string, string>>;
  readonly compiled: boolean;
}

/** The nearest tsconfig.json at or above `dir`. */
function nearestTsconfig(dir: string): string | undefined {
  for (let d = dir; ; d = path.dirname(d)) {
    const candidate = path.join(d, 'tsconfig.json');
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(d) === d) return undefined;
  }
}

/** The compiled `<name>.cjs` in `dir`, else the `<name>.ts` source with tsx; a FILE_IO error when neither exists. */
export function entryFile(dir: string, name: string): EntryFile {
  const compiled = path.join(dir, `${name}.cjs`);
  if (fs.existsSync(compiled)) return { file: compiled, execArgv: [], env: {}, compiled: true };
  const source = path.join(dir, `${name}.ts`);
  if (!fs.existsSync(source)) throw new SkipconnError('FILE_IO', `${compiled}: not found (the package is incomplete; reinstall it)`);
  let tsx: string;
  try {
    tsx = createRequire(source).resolve('tsx/cjs');
  } catch {
    throw new SkipconnError('FILE_IO', `${source} is a TypeScript source and needs tsx to run: npm install tsx (or build the package)`);
  }
  const tsconfig = process.env['TSX_TSCONFIG_PATH'] ?? nearestTsconfig(dir);
  return { file: source, execArgv: ['--require', tsx], env: tsconfig === undefined ? {} : { TSX_TSCONFIG_PATH: tsconfig }, compiled: false };
}

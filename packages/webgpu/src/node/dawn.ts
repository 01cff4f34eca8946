/// <reference types="@webgpu/types" />
/**
 * Node only: loading Dawn's binding from the `webgpu` package. The package's entry point is ESM,
 * so the native binding is required directly (as the package's own index does).
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { AdapterUnavailableError } from '@skipconn/core';

export interface Dawn {
  create(flags: string[]): GPU;
  readonly globals: Record<string, unknown>;
}

export function loadDawn(): Dawn {
  const req = createRequire(__filename);
  let pkg: string;
  try {
    pkg = req.resolve('webgpu/package.json');
  } catch {
    throw new AdapterUnavailableError('webgpu', 'the `webgpu` package (Dawn for Node) is not installed', 'npm install webgpu');
  }
  const arch = process.platform === 'darwin' ? 'universal' : process.arch;
  const binding = path.join(path.dirname(pkg), 'dist', `${process.platform}-${arch}`, 'dawn.node');
  try {
    return req(binding) as Dawn;
  } catch (err) {
    throw new AdapterUnavailableError('webgpu', `Dawn's binding failed to load (${binding}): ${err instanceof Error ? err.message : String(err)}`, 'reinstall the webgpu package for this platform');
  }
}

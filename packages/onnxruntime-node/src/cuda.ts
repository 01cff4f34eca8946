/**
 * Whether the CUDA execution provider of onnxruntime-node is installed. The npm package bundles
 * only the CPU (and WebGPU) providers; on linux/x64 its install script downloads the CUDA
 * provider libraries into its bin folder, unless installation was skipped (as in this repo,
 * where the download host is unreachable). We check for the file instead of trying a session,
 * so that `ort-node:cuda` can never quietly run on the CPU.
 */
import * as fs from 'fs';
import { createRequire } from 'module';
import * as path from 'path';

export const CUDA_PROVIDER_LIB = 'libonnxruntime_providers_cuda.so';

export const CUDA_FIX =
  'on Linux x64 with CUDA 12 and cuDNN 9, reinstall with the CUDA provider: `npm install onnxruntime-node --onnxruntime-node-install=cuda12` (or set ONNXRUNTIME_NODE_INSTALL=cuda12), and remove any `"allowScripts": {"onnxruntime-node": false}` / `onnxruntime-node-install=skip` setting that skips its install script';

/** The folder holding onnxruntime-node's native binaries for this platform. */
export function ortBinFolder(): string {
  const pkg = createRequire(__filename).resolve('onnxruntime-node/package.json');
  return path.join(path.dirname(pkg), 'bin', 'napi-v6', process.platform, process.arch);
}

/** Undefined when the CUDA provider is installed; otherwise the reason it is not usable. */
export function cudaUnavailableReason(): string | undefined {
  if (process.platform !== 'linux' && process.platform !== 'win32') return `onnxruntime-node has no CUDA provider for ${process.platform}`;
  if (process.arch !== 'x64') return `onnxruntime-node has no CUDA provider for ${process.platform}/${process.arch}`;
  const lib = process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : CUDA_PROVIDER_LIB;
  let folder: string;
  try {
    folder = ortBinFolder();
  } catch {
    return 'onnxruntime-node is not installed';
  }
  if (!fs.existsSync(path.join(folder, lib))) return `CUDA execution provider binaries are not installed (${lib} is missing from ${folder})`;
  return undefined;
}

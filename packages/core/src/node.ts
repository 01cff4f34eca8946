/**
 * Node-only helpers: files on disk. This is the only core module that imports 'fs' and 'path';
 * everything else in @skipconn/core works on bytes and runs in browsers.
 *
 * No raw Node error escapes from here: a missing, unreadable or unwritable file is a
 * SkipconnError with code 'FILE_IO' naming the path; a malformed file is a FileFormatError.
 */
import * as fs from 'fs';
import * as path from 'path';
import { FileFormatError, SkipconnError } from './errors';
import type { HostTensor } from './tensor';
import type { Graph } from './graph/types';
import { parseGraphJson, serializeGraph, weightsFromGraph } from './graph/json';
import { validateGraph, type ValidatedGraph } from './graph/validate';
import { readNpy, writeNpy, type ReadNpyOptions } from './io/npy';
import { readSafetensors, writeSafetensors } from './io/safetensors';

const REASONS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory',
  ENOTDIR: 'a parent of the path is not a directory',
  EEXIST: 'already exists',
  ENOSPC: 'no space left on the device',
  EROFS: 'read-only file system',
  EMFILE: 'too many open files',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'file name too long',
  ERR_FS_FILE_TOO_LARGE: 'file is too large to read',
};

/** Wraps a Node error as SkipconnError('FILE_IO') naming the path and the reason. */
function ioError(action: string, file: string, err: unknown): SkipconnError {
  if (err instanceof SkipconnError) return err;
  const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
  const reason = code !== undefined ? `${REASONS[code] ?? (err as Error).message} (${code})` : err instanceof Error ? err.message : String(err);
  return new SkipconnError('FILE_IO', `${file}: cannot ${action}: ${reason}`);
}

export interface ReadFileOptions {
  /** Refuse files larger than this many bytes (checked before reading). */
  readonly maxBytes?: number;
}

/** Reads a whole file. Errors are SkipconnError('FILE_IO') naming the path. */
export function readFileChecked(file: string, options: ReadFileOptions = {}): Uint8Array {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const stat = fs.fstatSync(fd);
    if (stat.isDirectory()) throw new SkipconnError('FILE_IO', `${file}: cannot read: is a directory (EISDIR)`);
    if (options.maxBytes !== undefined && stat.size > options.maxBytes) {
      throw new FileFormatError(file, `file is ${stat.size} bytes, more than the cap of ${options.maxBytes} bytes`);
    }
    const buf = fs.readFileSync(fd);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (err) {
    throw ioError('read', file, err);
  } finally {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        // nothing useful to do
      }
    }
  }
}

let tempCounter = 0;

/**
 * Writes a file atomically: the bytes go to a temporary file in the same directory, which is
 * fsynced and then renamed over `file`. Readers see the old file or the new one, never a part.
 * The temporary file is removed on failure; an existing file is never touched until the rename.
 */
export function writeFileAtomic(file: string, data: Uint8Array | string): void {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const dir = path.dirname(path.resolve(file));
  const temp = path.join(dir, `.${path.basename(file).slice(0, 100)}.${process.pid}.${Date.now().toString(36)}.${(tempCounter++).toString(36)}.tmp`);
  let fd: number | undefined;
  let created = false;
  try {
    let mode = 0o666;
    try {
      const st = fs.statSync(file);
      if (st.isDirectory()) throw new SkipconnError('FILE_IO', `${file}: cannot write: is a directory (EISDIR)`);
      mode = st.mode & 0o777;
    } catch (err) {
      if (err instanceof SkipconnError) throw err;
      // no existing file: default mode
    }
    fd = fs.openSync(temp, 'wx', mode);
    created = true;
    let written = 0;
    while (written < bytes.length) {
      written += fs.writeSync(fd, bytes, written, bytes.length - written);
    }
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(temp, file);
    created = false;
  } catch (err) {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        // already failing
      }
    }
    if (created) {
      try {
        fs.unlinkSync(temp);
      } catch {
        // already failing
      }
    }
    throw ioError('write', file, err);
  }
  // Make the rename itself durable where the platform allows it (not on Windows).
  try {
    const dfd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(dfd);
    } finally {
      fs.closeSync(dfd);
    }
  } catch {
    // best effort
  }
}

/**
 * Resolves a graph's weightsFile against the graph's folder. Refuses absolute paths, paths that
 * leave the folder, and (when the file exists) symlinks that point out of it.
 */
export function resolveWeightsPath(graphFile: string, weightsFile: unknown): string {
  const where = `${graphFile}: weightsFile ${JSON.stringify(weightsFile)}`;
  if (typeof weightsFile !== 'string' || weightsFile.length === 0) {
    throw new SkipconnError('GRAPH_INVALID', `${where}: expected a non-empty relative path`);
  }
  if (weightsFile.includes('\0')) throw new SkipconnError('GRAPH_INVALID', `${where}: contains a NUL character`);
  if (path.isAbsolute(weightsFile) || path.posix.isAbsolute(weightsFile) || path.win32.isAbsolute(weightsFile)) {
    throw new SkipconnError('GRAPH_INVALID', `${where}: must be relative to the graph's folder, not absolute`);
  }
  if (weightsFile.split(/[\\/]/).includes('..')) {
    throw new SkipconnError('GRAPH_INVALID', `${where}: must stay inside the graph's folder (no '..')`);
  }
  const dir = path.dirname(path.resolve(graphFile));
  const resolved = path.resolve(dir, weightsFile);
  const rel = path.relative(dir, resolved);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new SkipconnError('GRAPH_INVALID', `${where}: must name a file inside the graph's folder`);
  }
  let real: string | undefined;
  try {
    real = fs.realpathSync(resolved);
  } catch {
    real = undefined; // does not exist (yet): reading reports it, writing creates it
  }
  if (real !== undefined) {
    let realDir: string;
    try {
      realDir = fs.realpathSync(dir);
    } catch (err) {
      throw ioError('resolve', dir, err);
    }
    const realRel = path.relative(realDir, real);
    if (realRel === '' || realRel.startsWith('..') || path.isAbsolute(realRel)) {
      throw new SkipconnError('GRAPH_INVALID', `${where}: is a symbolic link that leads out of the graph's folder (to ${real})`);
    }
  }
  return resolved;
}

export interface LoadedGraph {
  readonly graph: Graph;
  readonly weights: Map<string, HostTensor>;
  readonly validated: ValidatedGraph;
}

function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    throw new FileFormatError(file, 'file is not valid UTF-8 text');
  }
}

/**
 * Reads a graph JSON file, validates it, and loads its weights (inline, and from its
 * weightsFile, a safetensors file next to the graph).
 */
export function loadGraphFile(file: string): LoadedGraph {
  const graph = parseGraphJson(decodeUtf8(readFileChecked(file), file), file);
  const validated = validateGraph(graph);
  let external: Map<string, HostTensor> | undefined;
  if (graph.weightsFile !== undefined) {
    const weightsPath = resolveWeightsPath(file, graph.weightsFile);
    external = readSafetensors(readFileChecked(weightsPath), weightsPath).tensors;
  }
  const weights = weightsFromGraph(graph, external);
  return { graph, weights, validated };
}

/**
 * Writes a graph as canonical JSON and, when the graph names a weightsFile and `weights` is
 * given, the weights without inline data as safetensors next to it. Both writes are atomic;
 * the weights are written first so the graph never names a file that is not there.
 */
export function saveGraphFile(file: string, graph: Graph, weights?: ReadonlyMap<string, HostTensor>): void {
  validateGraph(graph);
  const text = serializeGraph(graph);
  if (weights !== undefined) {
    // Checks every weight is present with the declared dtype and shape.
    const all = weightsFromGraph(graph, weights);
    if (graph.weightsFile !== undefined) {
      const weightsPath = resolveWeightsPath(file, graph.weightsFile);
      const external = new Map<string, HostTensor>();
      for (const w of graph.weights) {
        if (w.data === undefined) external.set(w.name, all.get(w.name)!);
      }
      writeFileAtomic(weightsPath, writeSafetensors(external));
    }
  }
  writeFileAtomic(file, text);
}

/** Reads a .npy file. */
export function readNpyFile(file: string, options: ReadNpyOptions = {}): HostTensor {
  return readNpy(readFileChecked(file), file, options);
}

/** Writes a tensor as a .npy file, atomically. */
export function writeNpyFile(file: string, t: HostTensor): void {
  writeFileAtomic(file, writeNpy(t));
}
export * from './entry-file';

/**
 * Node-only helpers: files on disk. This is the only core module that imports 'fs' and 'path';
 * everything else in @skipconn/core works on bytes and runs in browsers.
 *
 * No raw Node error escapes from here: a missing, unreadable or unwritable file is a
 * SkipconnError with code 'FILE_IO' naming the path; a malformed file is a FileFormatError.
 */
import * as fs from 'fs';
import * as path from 'path';
import { FileFormatError, SkipconnError, clipUserText } from './errors';
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
  ENXIO: 'no such device or address (a socket or a device without a driver)',
  EAGAIN: 'the file is not ready for reading (a pipe or device)',
};

/** Wraps a Node error as SkipconnError('FILE_IO') naming the path and the reason. */
function ioError(action: string, file: string, err: unknown): SkipconnError {
  if (err instanceof SkipconnError) return err;
  const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
  const reason = code !== undefined ? `${REASONS[code] ?? (err as Error).message} (${code})` : err instanceof Error ? err.message : String(err);
  return new SkipconnError('FILE_IO', `${file}: cannot ${action}: ${reason}`);
}

/** Largest file any loader reads whole (Node itself cannot read more than 2 GiB into one buffer). */
export const DEFAULT_MAX_FILE_BYTES = 2 ** 31 - 1;

export interface ReadFileOptions {
  /** Refuse files larger than this many bytes (checked before reading); DEFAULT_MAX_FILE_BYTES when absent. */
  readonly maxBytes?: number;
}

/** A regular file opened for reading; `size` is what fstat reported after the open. */
export interface OpenedFile {
  readonly path: string;
  readonly fd: number;
  readonly size: number;
}

/** What a non-regular file is, for messages ("is a named pipe (FIFO)"). */
function fileKind(stat: fs.Stats): string | undefined {
  if (stat.isFile()) return undefined;
  if (stat.isDirectory()) return 'is a directory (EISDIR)';
  if (stat.isFIFO()) return 'is a named pipe (FIFO), not a regular file';
  if (stat.isCharacterDevice()) return 'is a character device, not a regular file';
  if (stat.isBlockDevice()) return 'is a block device, not a regular file';
  if (stat.isSocket()) return 'is a socket, not a regular file';
  return 'is not a regular file';
}

// O_NONBLOCK makes opening a FIFO return at once instead of waiting for a writer; reads of a
// regular file ignore it. Windows has no such flag (and no FIFOs on paths).
const OPEN_FOR_READING = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);

function closeQuietly(fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {
    // nothing useful to do
  }
}

/**
 * Opens a file for reading and proves it is a regular file. The path is checked with stat
 * first so that devices and pipes are never opened at all, and the descriptor is checked again
 * with fstat, so a path swapped between the two checks is still refused. Every loader goes
 * through here: directories, FIFOs, /dev/zero and sockets are FILE_IO errors naming the path.
 */
export function openRegularFile(file: string): OpenedFile {
  let fd: number | undefined;
  try {
    const before = fileKind(fs.statSync(file));
    if (before !== undefined) throw new SkipconnError('FILE_IO', `${file}: cannot read: ${before}`);
    fd = fs.openSync(file, OPEN_FOR_READING);
    const stat = fs.fstatSync(fd);
    const after = fileKind(stat);
    if (after !== undefined) throw new SkipconnError('FILE_IO', `${file}: cannot read: ${after}`);
    return { path: file, fd, size: stat.size };
  } catch (err) {
    if (fd !== undefined) closeQuietly(fd);
    throw ioError('read', file, err);
  }
}

export function closeFile(opened: OpenedFile): void {
  closeQuietly(opened.fd);
}

/**
 * Reads exactly `length` bytes at `offset` of an opened file. Never reads past what fstat
 * reported, so a file that grows while it is read cannot make the read unbounded; one that
 * shrinks is a FileFormatError.
 */
export function readOpenedRange(opened: OpenedFile, offset: number, length: number): Uint8Array {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > opened.size) {
    throw new FileFormatError(opened.path, `cannot read bytes [${offset}, ${offset + length}): the file has ${opened.size} bytes`);
  }
  const bytes = new Uint8Array(length);
  let done = 0;
  try {
    while (done < length) {
      const got = fs.readSync(opened.fd, bytes, done, length - done, offset + done);
      if (got === 0) throw new FileFormatError(opened.path, `file ended after ${offset + done} bytes while ${offset + length} were expected (it shrank while being read)`);
      done += got;
    }
  } catch (err) {
    throw ioError('read', opened.path, err);
  }
  return bytes;
}

/**
 * Reads a whole regular file, refusing it before reading when it is larger than the cap.
 * Errors are SkipconnError('FILE_IO') naming the path, or FileFormatError for the size cap.
 */
export function readFileChecked(file: string, options: ReadFileOptions = {}): Uint8Array {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_FILE_BYTES;
  const opened = openRegularFile(file);
  try {
    if (opened.size > maxBytes) throw new FileFormatError(file, `file is ${opened.size} bytes, more than the cap of ${maxBytes} bytes`);
    return readOpenedRange(opened, 0, opened.size);
  } finally {
    closeFile(opened);
  }
}

let tempCounter = 0;

/** A temporary name next to `target` for this process: `.<name>.<pid>.<time>.<n>.tmp`. */
function tempNameFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target).slice(0, 100)}.${process.pid}.${Date.now().toString(36)}.${(tempCounter++).toString(36)}.tmp`);
}

const TEMP_PATTERN = /^\.(.+)\.(\d+)\.[0-9a-z]+\.[0-9a-z]+\.tmp$/;

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as { code?: unknown }).code === 'EPERM';
  }
}

/**
 * Removes temporary files and folders that a killed skipconn left next to `target` (same name
 * pattern as tempNameFor, for the same target name, from a process that no longer exists).
 * Best effort: anything that cannot be listed or removed is left alone.
 */
export function removeStaleTemps(target: string): number {
  const dir = path.dirname(path.resolve(target));
  const base = path.basename(target).slice(0, 100);
  let removed = 0;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    const m = TEMP_PATTERN.exec(name);
    if (m === null || m[1] !== base) continue;
    const pid = Number(m[2]);
    if (pid === process.pid || processIsAlive(pid)) continue;
    try {
      fs.rmSync(path.join(dir, name), { recursive: true, force: true });
      removed++;
    } catch {
      // leave it
    }
  }
  return removed;
}

function fsyncDir(dir: string): void {
  // Makes renames in `dir` durable where the platform allows it (not on Windows).
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

function writeNewFile(file: string, bytes: Uint8Array, mode = 0o666): void {
  const fd = fs.openSync(file, 'wx', mode);
  try {
    let written = 0;
    while (written < bytes.length) written += fs.writeSync(fd, bytes, written, bytes.length - written);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Writes several files into `dir` as one set, so a reader (or a kill -9) never sees some new and
 * some old. When `dir` does not exist or is empty, the files are written into a temporary folder
 * next to it, which is renamed to `dir` in one step. When `dir` already holds files, they are
 * written into a temporary folder inside it and then renamed into place one after another,
 * after every byte is on disk: only those renames (microseconds) can be interrupted. Stale
 * temporaries of killed runs are removed first; on failure nothing new is left behind,
 * folders created for the set included. Names must be plain file names.
 */
export function writeFileSetAtomic(dir: string, files: readonly { readonly name: string; readonly data: Uint8Array }[]): string[] {
  const full = path.resolve(dir);
  for (const f of files) {
    if (f.name.length === 0 || f.name !== path.basename(f.name) || f.name === '.' || f.name === '..')
      throw new SkipconnError('USAGE', `writeFileSetAtomic: ${JSON.stringify(clipUserText(f.name))} is not a plain file name`);
  }
  const created = makeOutputDir(path.dirname(full));
  let entries: string[] | undefined;
  try {
    entries = fs.readdirSync(full);
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'ENOENT') throw ioError('write into', full, err);
  }
  const whole = entries === undefined || entries.length === 0;
  removeStaleTemps(whole ? full : path.join(full, '.set'));
  const staging = whole ? tempNameFor(full) : tempNameFor(path.join(full, '.set'));
  let staged = false;
  try {
    fs.mkdirSync(staging);
    staged = true;
    for (const f of files) writeNewFile(path.join(staging, f.name), f.data);
    fsyncDir(staging);
    if (whole) {
      fs.renameSync(staging, full);
      staged = false;
      fsyncDir(path.dirname(full));
    } else {
      for (const f of files) fs.renameSync(path.join(staging, f.name), path.join(full, f.name));
      fs.rmdirSync(staging);
      staged = false;
      fsyncDir(full);
    }
  } catch (err) {
    if (staged) fs.rmSync(staging, { recursive: true, force: true });
    removeCreatedDirs(created);
    throw ioError('write', full, err);
  }
  return files.map((f) => path.join(full, f.name));
}

/**
 * Writes a file atomically: the bytes go to a temporary file in the same directory, which is
 * fsynced and then renamed over `file`. Readers see the old file or the new one, never a part.
 * The temporary file is removed on failure; an existing file is never touched until the rename.
 */
export function writeFileAtomic(file: string, data: Uint8Array | string): void {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const dir = path.dirname(path.resolve(file));
  removeStaleTemps(path.join(dir, path.basename(file)));
  const temp = tempNameFor(path.join(dir, path.basename(file)));
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
  fsyncDir(dir);
}

/**
 * Creates an output folder and any missing parents, one level at a time, and returns the
 * folders it created (outermost first) so a failed command can remove them again. Node's own
 * recursive mkdir loops forever under /proc, where mkdir answers ENOENT for a parent that
 * exists; here every failure is a FILE_IO error naming the folder, and an existing path that
 * is not a folder (a regular file on the way) is refused before anything is created.
 */
export function makeOutputDir(dir: string): string[] {
  const full = path.resolve(dir);
  const missing: string[] = [];
  let at = full;
  for (;;) {
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(at);
    } catch (err) {
      // ENOTDIR: something on the way is a file; walking up finds it and names it.
      const code = (err as { code?: unknown }).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw ioError('create the output folder', full, err);
    }
    if (stat !== undefined) {
      if (!stat.isDirectory()) {
        const kind = at === full ? 'it exists and is not a folder' : `${at} exists and is not a folder`;
        throw new SkipconnError('FILE_IO', `${full}: cannot create the output folder: ${kind}`);
      }
      break;
    }
    const parent = path.dirname(at);
    if (parent === at) break;
    missing.push(at);
    at = parent;
  }
  const created: string[] = [];
  try {
    for (const d of missing.reverse()) {
      fs.mkdirSync(d);
      created.push(d);
    }
  } catch (err) {
    removeCreatedDirs(created);
    throw ioError('create the output folder', full, err);
  }
  return created;
}

/**
 * Checks, without creating anything, that makeOutputDir(dir) could succeed: the path is a
 * folder or does not exist yet, and its nearest existing ancestor is a folder. Commands call it
 * before doing any work so a bad --out fails at once.
 */
export function checkOutputDir(dir: string): void {
  const full = path.resolve(dir);
  for (let at = full; ;) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(at);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw ioError('use the output folder', full, err);
      const parent = path.dirname(at);
      if (parent === at) return;
      at = parent;
      continue;
    }
    if (!stat.isDirectory()) {
      throw new SkipconnError('FILE_IO', `${full}: cannot use as the output folder: ${at === full ? 'it exists and is not a folder' : `${at} exists and is not a folder`}`);
    }
    return;
  }
}

/**
 * Checks, without writing, that writeFileAtomic(file) could succeed: the file's folder exists
 * and is a folder, and the file itself, when present, is a regular file.
 */
export function checkOutputFile(file: string): void {
  const full = path.resolve(file);
  const dir = path.dirname(full);
  let dirStat: fs.Stats;
  try {
    dirStat = fs.statSync(dir);
  } catch (err) {
    throw ioError('write', full, err);
  }
  if (!dirStat.isDirectory()) throw new SkipconnError('FILE_IO', `${full}: cannot write: ${dir} is not a folder`);
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(full);
  } catch {
    stat = undefined; // does not exist yet: it will be created
  }
  if (stat !== undefined && !stat.isFile()) throw new SkipconnError('FILE_IO', `${full}: cannot write: ${fileKind(stat) ?? 'is not a regular file'}`);
}

/** Removes folders that makeOutputDir created, innermost first, when they are still empty. */
export function removeCreatedDirs(created: readonly string[]): void {
  for (const d of [...created].reverse()) {
    try {
      fs.rmdirSync(d);
    } catch {
      // not empty or already gone: leave it
    }
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
export * from './gpu/dawn-env';

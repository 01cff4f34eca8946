/**
 * The one file-opening path every loader uses: only regular files are read (FIFOs, character
 * devices such as /dev/zero and folders are refused before a byte is read, so nothing blocks or
 * streams without end), reads stop at the size fstat reported, and output folders are created
 * one level at a time with typed errors (Node's recursive mkdir never returns under /proc).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FileFormatError, SkipconnError } from '../src/errors';
import { checkOutputDir, checkOutputFile, closeFile, loadGraphFile, makeOutputDir, openRegularFile, readFileChecked, readNpyFile, readOpenedRange, removeCreatedDirs } from '../src/node';

const POSIX = process.platform !== 'win32';
const posixIt = POSIX ? it : it.skip;

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error, none was thrown');
}

function expectFileIo(fn: () => unknown, ...parts: string[]): SkipconnError {
  const err = thrown(fn);
  expect(err).toBeInstanceOf(SkipconnError);
  const e = err as SkipconnError;
  expect(e.code).toBe('FILE_IO');
  for (const p of parts) expect(e.message).toContain(p);
  return e;
}

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skipconn-regular-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function fifo(name: string): string {
  const p = path.join(dir, name);
  execFileSync('mkfifo', [p]);
  return p;
}

describe('openRegularFile / readFileChecked', () => {
  posixIt('a FIFO with no writer is refused at once instead of blocking', () => {
    const p = fifo('in.npy');
    expectFileIo(() => readFileChecked(p), p, 'is a named pipe (FIFO), not a regular file');
    expectFileIo(() => readNpyFile(p), p, 'named pipe (FIFO)');
  });

  posixIt('/dev/zero is refused instead of being read until memory runs out', () => {
    if (!fs.existsSync('/dev/zero')) return;
    expectFileIo(() => readFileChecked('/dev/zero'), '/dev/zero', 'is a character device, not a regular file');
  });

  it('a folder is refused', () => {
    expectFileIo(() => openRegularFile(dir), dir, 'is a directory (EISDIR)');
  });

  posixIt('an IR graph whose weightsFile is a FIFO is refused naming the weights file', () => {
    const graph = { format: 'skipconn.graph', version: 1, name: 'g', inputs: [{ name: 'x', dtype: 'float32', shape: [1, 2], layout: 'NC' }], nodes: [], outputs: ['x'], weights: [], weightsFile: 'w.safetensors' };
    const file = path.join(dir, 'g.json');
    fs.writeFileSync(file, JSON.stringify(graph));
    const weights = fifo('w.safetensors');
    expectFileIo(() => loadGraphFile(file), weights, 'named pipe (FIFO)');
  });

  it('reads stop at the size fstat reported, and a file that shrank is a format error', () => {
    const p = path.join(dir, 'a.bin');
    fs.writeFileSync(p, Buffer.from([1, 2, 3, 4]));
    const opened = openRegularFile(p);
    try {
      expect(opened.size).toBe(4);
      fs.appendFileSync(p, Buffer.alloc(1000));
      // The file grew after the open: only the 4 bytes seen at open time are read.
      expect(Array.from(readOpenedRange(opened, 0, opened.size))).toEqual([1, 2, 3, 4]);
      fs.truncateSync(p, 2);
      const err = thrown(() => readOpenedRange(opened, 0, opened.size));
      expect(err).toBeInstanceOf(FileFormatError);
      expect((err as Error).message).toContain('file ended after 2 bytes while 4 were expected');
      const outside = thrown(() => readOpenedRange(opened, 3, 2));
      expect(outside).toBeInstanceOf(FileFormatError);
      expect((outside as Error).message).toContain('cannot read bytes [3, 5): the file has 4 bytes');
    } finally {
      closeFile(opened);
    }
  });
});

describe('output folders', () => {
  it('makeOutputDir creates the missing levels and removeCreatedDirs takes them back', () => {
    const target = path.join(dir, 'a', 'b', 'c');
    const created = makeOutputDir(target);
    expect(created).toEqual([path.join(dir, 'a'), path.join(dir, 'a', 'b'), target]);
    expect(fs.statSync(target).isDirectory()).toBe(true);
    expect(makeOutputDir(target)).toEqual([]);
    removeCreatedDirs(created);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('removeCreatedDirs keeps a folder that is not empty', () => {
    const created = makeOutputDir(path.join(dir, 'a', 'b'));
    fs.writeFileSync(path.join(dir, 'a', 'keep.txt'), 'x');
    removeCreatedDirs(created);
    expect(fs.readdirSync(dir)).toEqual(['a']);
    expect(fs.readdirSync(path.join(dir, 'a'))).toEqual(['keep.txt']);
  });

  it('a regular file on the way is a FILE_IO error before anything is created', () => {
    const file = path.join(dir, 'plain.txt');
    fs.writeFileSync(file, 'x');
    expectFileIo(() => makeOutputDir(path.join(file, 'out')), `${file} exists and is not a folder`);
    expectFileIo(() => checkOutputDir(path.join(file, 'out', 'deeper')), `${file} exists and is not a folder`);
    expectFileIo(() => makeOutputDir(file), 'it exists and is not a folder');
    expect(fs.readdirSync(dir)).toEqual(['plain.txt']);
  });

  posixIt('under /proc, mkdir fails with a typed error instead of spinning', () => {
    if (!fs.existsSync('/proc/self')) return;
    const target = path.join('/proc', `skipconn-${process.pid}`, 'out');
    expectFileIo(() => makeOutputDir(target), target, 'cannot create the output folder');
  });

  it('checkOutputFile refuses a folder as the file and a missing or non-folder parent', () => {
    expectFileIo(() => checkOutputFile(dir), 'is a directory');
    expectFileIo(() => checkOutputFile(path.join(dir, 'missing', 'm.onnx')), 'no such file or directory (ENOENT)');
    const file = path.join(dir, 'plain.txt');
    fs.writeFileSync(file, 'x');
    expectFileIo(() => checkOutputFile(path.join(file, 'm.onnx')), `${file} is not a folder`);
    expect(() => checkOutputFile(path.join(dir, 'new.onnx'))).not.toThrow();
    expect(() => checkOutputFile(file)).not.toThrow();
  });
});

/**
 * Outputs as a set: writeFileSetAtomic puts every file of a `run` in place together (one folder
 * rename when the folder is new) and removes the temporaries of killed runs. (A write that fails
 * halfway is in io.test.ts, which spies on fs.)
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { removeStaleTemps, writeFileAtomic, writeFileSetAtomic } from '../src/node';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skipconn-sets-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const bytes = (text: string) => new TextEncoder().encode(text);

/** A pid that is not running: a child that has already exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

it('a new folder appears with every file at once, and nothing else is left', () => {
  const out = path.join(dir, 'a', 'out');
  const files = writeFileSetAtomic(out, [
    { name: 'y.npy', data: bytes('new y') },
    { name: 'z.npy', data: bytes('new z') },
  ]);
  expect(files).toEqual([path.join(out, 'y.npy'), path.join(out, 'z.npy')]);
  expect(fs.readdirSync(out).sort()).toEqual(['y.npy', 'z.npy']);
  expect(fs.readdirSync(path.join(dir, 'a'))).toEqual(['out']);
  expect(fs.readFileSync(path.join(out, 'z.npy'), 'utf8')).toBe('new z');
});

it('an existing folder keeps its other files and gets the new set', () => {
  fs.writeFileSync(path.join(dir, 'keep.txt'), 'mine');
  fs.writeFileSync(path.join(dir, 'y.npy'), 'old y');
  writeFileSetAtomic(dir, [
    { name: 'y.npy', data: bytes('new y') },
    { name: 'z.npy', data: bytes('new z') },
  ]);
  expect(fs.readdirSync(dir).sort()).toEqual(['keep.txt', 'y.npy', 'z.npy']);
  expect(fs.readFileSync(path.join(dir, 'y.npy'), 'utf8')).toBe('new y');
});

it('temporaries of a killed run are removed; those of live processes are kept', () => {
  const dead = deadPid();
  const stale = path.join(dir, `.model.onnx.${dead}.abc.0.tmp`);
  const live = path.join(dir, `.model.onnx.${process.ppid}.abc.0.tmp`);
  const other = path.join(dir, `.other.onnx.${dead}.abc.0.tmp`);
  for (const f of [stale, live, other]) fs.writeFileSync(f, 'partial');
  const staleSet = path.join(dir, `.out.${dead}.abc.1.tmp`);
  fs.mkdirSync(staleSet);
  fs.writeFileSync(path.join(staleSet, 'y.npy'), 'partial');

  writeFileAtomic(path.join(dir, 'model.onnx'), 'new model');
  expect(fs.existsSync(stale)).toBe(false);
  expect(fs.existsSync(live)).toBe(true);
  expect(fs.existsSync(other)).toBe(true);
  writeFileSetAtomic(path.join(dir, 'out'), [{ name: 'y.npy', data: bytes('y') }]);
  expect(fs.existsSync(staleSet)).toBe(false);
  expect(removeStaleTemps(path.join(dir, 'other.onnx'))).toBe(1);
  expect(fs.readdirSync(dir).sort()).toEqual([path.basename(live), 'model.onnx', 'out'].sort());
});

it('names that are not plain file names are refused', () => {
  expect(() => writeFileSetAtomic(dir, [{ name: '../y.npy', data: bytes('y') }])).toThrow('is not a plain file name');
});

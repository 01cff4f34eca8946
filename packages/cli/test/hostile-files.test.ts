/**
 * Files that are not what they claim, given to `inspect`, `run` and `port` for every loader (IR
 * JSON + safetensors, ONNX with external data, .npy inputs; tfjs model.json + shards in
 * packages/tfjs/test/layers-model-files.test.ts): each is a
 * clean exit 2 naming the file, never a hang, a stack trace or an internal error. The model
 * files are written here from a one-node graph, so every case is a minimal file.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { GraphBuilder, randomTensor, type Graph } from '@skipconn/core';
import { saveGraphFile, writeNpyFile } from '@skipconn/core/node';
import { encodeModel, exportModel } from '@skipconn/onnx';
import { runCli, tinyDenseGraph, type CliResult } from './helpers';

const POSIX = process.platform !== 'win32';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skipconn-hostile-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function fifo(p: string): string {
  fs.rmSync(p, { force: true });
  execFileSync('mkfifo', [p]);
  return p;
}

/** IR graph with its weights in a safetensors file next to it. */
function writeIr(): { model: string; weights: string } {
  const built = tinyDenseGraph();
  const graph: Graph = { ...built.graph, weightsFile: 'g.safetensors', weights: built.graph.weights.map((w) => ({ name: w.name, dtype: w.dtype, shape: [...w.shape] })) };
  const model = path.join(dir, 'g.json');
  saveGraphFile(model, graph, built.weights);
  return { model, weights: path.join(dir, 'g.safetensors') };
}

/** ONNX model whose weight lives in external data file w.bin. */
function writeOnnxExternal(): { model: string; data: string } {
  const built = tinyDenseGraph();
  const proto = exportModel(built.validated, built.weights);
  const init = proto.graph!.initializer.find((t) => t.name === 'w')!;
  init.rawData = undefined;
  init.dataLocation = 1;
  init.externalData = [{ key: 'location', value: 'w.bin' }];
  const model = path.join(dir, 'm.onnx');
  fs.writeFileSync(model, encodeModel(proto));
  return { model, data: path.join(dir, 'w.bin') };
}

function input(): string {
  const p = path.join(dir, 'x.npy');
  writeNpyFile(p, randomTensor([1, 3], 9));
  return p;
}

function expectRefused(r: CliResult, ...parts: string[]): void {
  expect(r.stdout).toBe('');
  expect(r.code).toBe(2);
  expect(r.stderr).not.toContain('internal error');
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  for (const p of parts) expect(r.stderr).toContain(p);
}

(POSIX ? describe : describe.skip)('non-regular files are refused, not read', () => {
  it.each(['model.json', 'model.onnx', 'model.bin'])('inspect of a FIFO named %s', async (name) => {
    const p = fifo(path.join(dir, name));
    expectRefused(await runCli(['inspect', p]), p, 'named pipe (FIFO)');
  });

  it('inspect of /dev/zero', async () => {
    expectRefused(await runCli(['inspect', '/dev/zero']), '/dev/zero', 'character device');
  });

  it('run with a FIFO or /dev/zero as --input', async () => {
    const { model } = writeIr();
    const p = fifo(path.join(dir, 'x.npy'));
    expectRefused(await runCli(['run', model, '--input', `x=${p}`, '--out', path.join(dir, 'out')]), p, 'named pipe (FIFO)');
    expectRefused(await runCli(['run', model, '--input', 'x=/dev/zero', '--out', path.join(dir, 'out')]), '/dev/zero', 'character device');
    expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
  });

  it('IR weights file that is a FIFO', async () => {
    const { model, weights } = writeIr();
    fifo(weights);
    expectRefused(await runCli(['inspect', model]), weights, 'named pipe (FIFO)');
  });

  it('ONNX external data that is a FIFO', async () => {
    const { model, data } = writeOnnxExternal();
    fifo(data);
    expectRefused(await runCli(['inspect', model]), 'w.bin', 'named pipe (FIFO)');
  });
});

describe('--out is validated', () => {
  it('run --out under a regular file', async () => {
    const { model } = writeIr();
    const plain = path.join(dir, 'plain.txt');
    fs.writeFileSync(plain, 'x');
    expectRefused(await runCli(['run', model, '--input', `x=${input()}`, '--out', path.join(plain, 'out')]), `${plain} exists and is not a folder`);
    expect(fs.readFileSync(plain, 'utf8')).toBe('x');
  });

  (POSIX && fs.existsSync('/proc/self') ? it : it.skip)('run and port --out under /proc fail at once', async () => {
    const { model } = writeIr();
    const proc = path.join('/proc', `skipconn-${process.pid}`);
    expectRefused(await runCli(['run', model, '--input', `x=${input()}`, '--out', path.join(proc, 'out')]), proc);
    expectRefused(await runCli(['port', model, '--to', 'onnx', '--out', path.join(proc, 'm.onnx')]), proc);
  });

  it('port --out that is a folder, or under a regular file', async () => {
    const { model } = writeIr();
    expectRefused(await runCli(['port', model, '--to', 'onnx', '--out', dir]), dir, 'is a directory');
    const plain = path.join(dir, 'plain.txt');
    fs.writeFileSync(plain, 'x');
    expectRefused(await runCli(['port', model, '--to', 'ir', '--out', path.join(plain, 'g.json')]), `${plain} is not a folder`);
  });

  (POSIX && process.getuid?.() !== 0 ? it : it.skip)('run into a read-only folder (skipped as root, who may write anywhere)', async () => {
    const { model } = writeIr();
    const ro = path.join(dir, 'ro');
    fs.mkdirSync(ro, { mode: 0o555 });
    try {
      expectRefused(await runCli(['run', model, '--input', `x=${input()}`, '--out', ro]), 'permission denied (EACCES)');
    } finally {
      fs.chmodSync(ro, 0o755);
    }
  });

  it('a successful run writes into a new nested folder', async () => {
    const { model } = writeIr();
    const out = path.join(dir, 'a', 'b');
    const r = await runCli(['run', model, '--input', `x=${input()}`, '--out', out, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(fs.readdirSync(out)).toEqual(['fc.npy']);
  });
});

describe('run writes its outputs as one set', () => {
  it('two outputs replace the old pair together and other files in the folder stay', async () => {
    const b = new GraphBuilder('two');
    const x = b.input('x', [1, 3], { layout: 'NC' });
    b.output(b.node('relu', [x], {}, 'a'));
    b.output(b.node('sigmoid', [x], {}, 'b'));
    const built = b.build();
    const model = path.join(dir, 'two.json');
    saveGraphFile(model, built.graph, built.weights);
    const out = path.join(dir, 'out');
    fs.mkdirSync(out);
    for (const f of ['a.npy', 'b.npy', 'notes.txt']) fs.writeFileSync(path.join(out, f), 'old');
    const r = await runCli(['run', model, '--input', `x=${input()}`, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual(['a.npy', 'b.npy', 'notes.txt']);
    expect(fs.readFileSync(path.join(out, 'notes.txt'), 'utf8')).toBe('old');
    for (const f of ['a.npy', 'b.npy']) expect(fs.readFileSync(path.join(out, f)).subarray(1, 6).toString('latin1')).toBe('NUMPY');
  });
});

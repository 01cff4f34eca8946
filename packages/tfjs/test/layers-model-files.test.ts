/**
 * tfjs model.json + shards that are not what they claim, through the CLI and the file reader:
 * a shard that is a FIFO, a manifest path with a malformed percent-escape, --out under a regular
 * file or /proc. Each is a clean exit 2 naming the file, never a hang or an internal error, and a
 * failed export leaves no folder behind.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SkipconnError } from '@skipconn/core';
import { readLayersModelFiles, saveLayersModel } from '../src/node';
import { runCli, tinyDenseGraph, type CliResult } from '../../cli/test/helpers';

const POSIX = process.platform !== 'win32';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skipconn-tfjs-files-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function writeTfjs(): { model: string; shard: string } {
  const built = tinyDenseGraph();
  const saved = saveLayersModel(path.join(dir, 'tfjs'), built.validated, built.weights);
  return { model: saved.modelFile, shard: saved.weightFiles[0]! };
}

function expectRefused(r: CliResult, ...parts: string[]): void {
  expect(r.stdout).toBe('');
  expect(r.code).toBe(2);
  expect(r.stderr).not.toContain('internal error');
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  for (const p of parts) expect(r.stderr).toContain(p);
}

(POSIX ? it : it.skip)('a shard that is a FIFO is refused instead of blocking', async () => {
  const { model, shard } = writeTfjs();
  fs.rmSync(shard);
  execFileSync('mkfifo', [shard]);
  expectRefused(await runCli(['inspect', model]), shard, 'named pipe (FIFO)');
  let err: unknown;
  try {
    readLayersModelFiles(model);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(SkipconnError);
  expect((err as SkipconnError).code).toBe('FILE_IO');
});

it('a manifest path with a malformed % escape is a typed error, not a URIError', async () => {
  const { model } = writeTfjs();
  const json = JSON.parse(fs.readFileSync(model, 'utf8'));
  json.weightsManifest[0].paths = ['weights%zz.bin'];
  fs.writeFileSync(model, JSON.stringify(json));
  expectRefused(await runCli(['inspect', model]), model, '"weights%zz.bin" is refused', 'percent-escape');
});

it('port --to tfjs --out under a regular file fails before converting and creates nothing', async () => {
  const built = tinyDenseGraph();
  const ir = path.join(dir, 'g.json');
  fs.writeFileSync(ir, JSON.stringify({ ...built.graph, weights: built.graph.weights.map((w) => ({ ...w, data: Array.from(built.weights.get(w.name)!.data as Float32Array) })) }));
  const plain = path.join(dir, 'plain.txt');
  fs.writeFileSync(plain, 'x');
  expectRefused(await runCli(['port', ir, '--to', 'tfjs', '--out', path.join(plain, 'tfjs')]), `${plain} exists and is not a folder`);
  if (POSIX && fs.existsSync('/proc/self')) {
    const proc = path.join('/proc', `skipconn-${process.pid}`, 'tfjs');
    expectRefused(await runCli(['port', ir, '--to', 'tfjs', '--out', proc]), proc);
  }
  expect(fs.readdirSync(dir).sort()).toEqual(['g.json', 'plain.txt']);
});

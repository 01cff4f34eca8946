/**
 * Seeded mutation fuzzing of every loader, through the same file-reading functions the CLI uses:
 *   ONNX (loadOnnxFile), IR JSON + safetensors (loadGraphFile), tfjs model.json + shard
 *   (loadLayersModelFile), .npy (readNpyFile).
 * Each case takes one valid file of a small model, mutates it (bit flips, truncation, a spliced
 * range, random bytes, a length field or number overwritten with a huge or negative value),
 * writes it to a temporary folder and loads it. A case passes when the loader returns or throws
 * a SkipconnError; anything else (TypeError, RangeError, out of memory), a case slower than
 * the hang limit, or the process growing past the memory cap is a finding.
 *
 * `npm run fuzz -- [--count N] [--seed S]` runs it by hand; tools/test/fuzz.test.ts runs a fixed
 * budget from jest.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GraphBuilder, SkipconnError, blocks, randomTensor, seededRandom, serializeGraph, writeNpy, writeSafetensors, type Graph } from '@skipconn/core';
import { loadGraphFile, readNpyFile, writeFileAtomic } from '@skipconn/core/node';
import { exportOnnx } from '@skipconn/onnx';
import { loadOnnxFile } from '@skipconn/onnx/node';
import { loadLayersModelFile, saveLayersModel } from '@skipconn/tfjs/node';

export interface FuzzOptions {
  readonly count: number;
  readonly seed: number;
  /** A single case slower than this is reported as a hang. */
  readonly hangMs?: number;
  /** Resident memory above this is reported (checked every 50 cases). */
  readonly maxRssMb?: number;
}

export interface Finding {
  readonly index: number;
  readonly target: string;
  readonly mutation: string;
  readonly problem: string;
}

export interface FuzzReport {
  readonly tried: number;
  readonly loaded: number;
  readonly typedErrors: number;
  readonly byCode: Record<string, number>;
  readonly findings: Finding[];
  readonly slowestMs: number;
  readonly maxRssMb: number;
  readonly seconds: number;
}

/** One loader and the files it reads; `mutable` are the names a case may corrupt. */
interface Target {
  readonly name: string;
  readonly files: ReadonlyMap<string, Uint8Array>;
  readonly mutable: readonly string[];
  readonly entry: string;
  load(file: string): unknown;
}

function smallModel() {
  const b = new GraphBuilder('fuzz');
  const x = b.input('x', [1, 2, 4, 4], { layout: 'NCHW' });
  const y = blocks.resnetBasicBlock(b, x, 'block', 2, 2);
  b.output(b.node('globalAvgPool', [y], {}, 'pool'));
  return b.build();
}

function targets(dir: string): Target[] {
  const built = smallModel();
  const onnx = exportOnnx(built.validated, built.weights);
  const graph: Graph = { ...built.graph, weightsFile: 'g.safetensors', weights: built.graph.weights.map((w) => ({ name: w.name, dtype: w.dtype, shape: [...w.shape] })) };
  const tfjsDir = path.join(dir, 'tfjs-src');
  const saved = saveLayersModel(tfjsDir, built.validated, built.weights);
  const tfjsJson = fs.readFileSync(saved.modelFile);
  const shardName = path.basename(saved.weightFiles[0]!);
  const shard = fs.readFileSync(saved.weightFiles[0]!);
  fs.rmSync(tfjsDir, { recursive: true, force: true });
  return [
    { name: 'onnx', files: new Map([['m.onnx', onnx]]), mutable: ['m.onnx'], entry: 'm.onnx', load: (f) => loadOnnxFile(f) },
    {
      name: 'ir',
      files: new Map([
        ['g.json', new TextEncoder().encode(serializeGraph(graph))],
        ['g.safetensors', writeSafetensors(built.weights)],
      ]),
      mutable: ['g.json', 'g.safetensors'],
      entry: 'g.json',
      load: (f) => loadGraphFile(f),
    },
    {
      name: 'tfjs',
      files: new Map([
        ['model.json', new Uint8Array(tfjsJson)],
        [shardName, new Uint8Array(shard)],
      ]),
      mutable: ['model.json', shardName],
      entry: 'model.json',
      load: (f) => loadLayersModelFile(f),
    },
    { name: 'npy', files: new Map([['x.npy', writeNpy(randomTensor([2, 3, 4], 7))]]), mutable: ['x.npy'], entry: 'x.npy', load: (f) => readNpyFile(f) },
  ];
}

type Mutation = (b: Uint8Array, rnd: () => number) => Uint8Array;
const int = (rnd: () => number, n: number) => Math.floor(rnd() * n);

/** Numbers a length field or a JSON number is set to: edges of every integer width. */
const EDGE_NUMBERS = ['0', '-1', '1e300', '4294967295', '4294967296', '9007199254740993', '-9007199254740993', '1e-300', 'NaN', '2147483648', '65536'];

const MUTATIONS: Record<string, Mutation> = {
  flipBits: (b, rnd) => {
    const out = b.slice();
    for (let k = 1 + int(rnd, 8); k > 0 && out.length > 0; k--) out[int(rnd, out.length)]! ^= 1 << int(rnd, 8);
    return out;
  },
  truncate: (b, rnd) => b.slice(0, int(rnd, b.length)),
  splice: (b, rnd) => {
    const at = int(rnd, b.length);
    const from = int(rnd, b.length);
    const len = int(rnd, 128);
    const out = new Uint8Array(b.length + Math.min(len, b.length - from));
    out.set(b.subarray(0, at));
    out.set(b.subarray(from, from + len), at);
    out.set(b.subarray(at), at + Math.min(len, b.length - from));
    return out;
  },
  randomBytes: (b, rnd) => {
    const out = b.slice();
    const at = int(rnd, out.length);
    for (let i = at; i < Math.min(out.length, at + 1 + int(rnd, 16)); i++) out[i] = int(rnd, 256);
    return out;
  },
  /** A little-endian u64 length (safetensors header, npy) or a protobuf varint set to a huge value. */
  lengthField: (b, rnd) => {
    const out = b.slice();
    if (out.length < 10) return out;
    const at = rnd() < 0.5 ? 0 : int(rnd, out.length - 9);
    const kind = int(rnd, 3);
    if (kind === 0) for (let i = 0; i < 8; i++) out[at + i] = 0xff;
    else if (kind === 1) new DataView(out.buffer).setUint32(at, int(rnd, 2 ** 32), true);
    else {
      for (let i = 0; i < 9; i++) out[at + i] = 0xff;
      out[at + 9] = 0x01;
    }
    return out;
  },
  /** A number in JSON text (a dim, an offset, a shape entry) replaced by an edge value. */
  numberEdit: (b, rnd) => {
    const text = new TextDecoder().decode(b);
    const numbers = [...text.matchAll(/-?\d+(\.\d+)?(e[+-]?\d+)?/gi)];
    if (numbers.length === 0) return MUTATIONS['flipBits']!(b, rnd);
    const m = numbers[int(rnd, numbers.length)]!;
    const edited = `${text.slice(0, m.index!)}${EDGE_NUMBERS[int(rnd, EDGE_NUMBERS.length)]}${text.slice(m.index! + m[0].length)}`;
    return new TextEncoder().encode(edited);
  },
  /** A JSON string value (a name, an op, a path) replaced by an Object.prototype key or a huge one. */
  stringEdit: (b, rnd) => {
    const text = new TextDecoder().decode(b);
    const strings = [...text.matchAll(/"([A-Za-z_][A-Za-z0-9_./:-]*)"/g)];
    if (strings.length === 0) return MUTATIONS['flipBits']!(b, rnd);
    const m = strings[int(rnd, strings.length)]!;
    const picks = ['__proto__', 'constructor', 'hasOwnProperty', 'valueOf', 'toString', '', '%zz', '../x', 'x'.repeat(100_000)];
    return new TextEncoder().encode(`${text.slice(0, m.index!)}"${picks[int(rnd, picks.length)]}"${text.slice(m.index! + m[0].length)}`);
  },
  /** A JSON value replaced by null, a list, an object, or deep nesting. */
  structureEdit: (b, rnd) => {
    const text = new TextDecoder().decode(b);
    const colons = [...text.matchAll(/:\s*/g)];
    if (colons.length === 0) return MUTATIONS['flipBits']!(b, rnd);
    const m = colons[int(rnd, colons.length)]!;
    const start = m.index! + m[0].length;
    const replacement = ['null', '[]', '{}', '[null]', '"text"', '['.repeat(5000) + ']'.repeat(5000), 'true'][int(rnd, 7)]!;
    // Replace the value up to the next ',' or closing bracket at the same line (crude but valid often enough).
    const end = text.slice(start).search(/[,}\]\n]/);
    return new TextEncoder().encode(`${text.slice(0, start)}${replacement}${text.slice(end < 0 ? text.length : start + end)}`);
  },
};

const JSON_ONLY = new Set(['numberEdit', 'stringEdit', 'structureEdit']);

export function runFuzz(options: FuzzOptions): FuzzReport {
  const hangMs = options.hangMs ?? 5000;
  const maxRssMb = options.maxRssMb ?? 2048;
  const rnd = seededRandom(options.seed);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'skipconn-fuzz-'));
  const started = Date.now();
  const byCode: Record<string, number> = {};
  const findings: Finding[] = [];
  let loaded = 0;
  let typedErrors = 0;
  let slowestMs = 0;
  let peakRss = 0;
  try {
    const all = targets(root);
    const names = Object.keys(MUTATIONS);
    const caseDir = path.join(root, 'case');
    fs.mkdirSync(caseDir);
    for (let i = 0; i < options.count; i++) {
      const target = all[i % all.length]!;
      const victim = target.mutable[int(rnd, target.mutable.length)]!;
      const isJson = victim.endsWith('.json');
      let mutation = names[int(rnd, names.length)]!;
      if (JSON_ONLY.has(mutation) && !isJson) mutation = 'flipBits';
      for (const [name, bytes] of target.files) {
        fs.writeFileSync(path.join(caseDir, name), name === victim ? MUTATIONS[mutation]!(bytes, rnd) : bytes);
      }
      const start = performance.now();
      try {
        target.load(path.join(caseDir, target.entry));
        loaded++;
      } catch (err) {
        if (err instanceof SkipconnError) {
          typedErrors++;
          byCode[err.code] = (byCode[err.code] ?? 0) + 1;
        } else {
          findings.push({
            index: i,
            target: target.name,
            mutation: `${mutation} of ${victim}`,
            problem: err instanceof Error ? `${err.name}: ${err.message.slice(0, 300)}\n${err.stack?.split('\n').slice(1, 4).join('\n')}` : String(err),
          });
        }
      }
      const ms = performance.now() - start;
      slowestMs = Math.max(slowestMs, ms);
      if (ms > hangMs) findings.push({ index: i, target: target.name, mutation: `${mutation} of ${victim}`, problem: `took ${ms.toFixed(0)} ms (hang limit ${hangMs} ms)` });
      if (i % 50 === 0) {
        const rss = process.memoryUsage().rss / 2 ** 20;
        peakRss = Math.max(peakRss, rss);
        if (rss > maxRssMb) findings.push({ index: i, target: target.name, mutation: `${mutation} of ${victim}`, problem: `resident memory ${rss.toFixed(0)} MB over the cap of ${maxRssMb} MB` });
      }
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  return { tried: options.count, loaded, typedErrors, byCode, findings, slowestMs, maxRssMb: peakRss, seconds: (Date.now() - started) / 1000 };
}

function main(): void {
  const arg = (name: string): string | undefined => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const count = Number(arg('--count') ?? 10_000);
  const seed = Number(arg('--seed') ?? Date.now() % 2 ** 31);
  if (!Number.isSafeInteger(count) || count < 1) throw new Error(`--count: expected a positive integer, received ${arg('--count')}`);
  const report = runFuzz({ count, seed });
  const summary = { seed, ...report, findings: report.findings.length };
  console.log(JSON.stringify(summary, null, 2));
  for (const f of report.findings.slice(0, 50)) console.log(`finding #${f.index} ${f.target} (${f.mutation}): ${f.problem}`);
  const out = arg('--json');
  if (out !== undefined) writeFileAtomic(out, `${JSON.stringify({ seed, ...report }, null, 2)}\n`);
  process.exitCode = report.findings.length > 0 ? 1 : 0;
}

if (process.argv[1] !== undefined && /fuzz\.ts$/.test(process.argv[1])) main();

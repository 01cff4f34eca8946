/**
 * ONNX re-export speed (`npm run bench -- --only reexport [--models a,b] [--reps N]`): each zoo
 * model (tools/fixtures/zoo.py's bench-results/zoo/<name>/opset17/model.onnx) imported with
 * @skipconn/onnx and exported again, then the original and the re-export timed on
 * onnxruntime-node's CPU provider in the same process on the same input, alternating one run of
 * each per round so load on a shared machine hits both alike. The ratio re-export / original
 * is what the IR costs a model on that runtime (1.0: nothing). Results:
 * bench-results/reexport.{json,md}. A benchmark, never a test: nothing asserts a time.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readNpyFile, writeFileAtomic } from '@skipconn/core/node';
import { decodeModel, exportOnnx } from '@skipconn/onnx';
import { loadOnnxFile } from '@skipconn/onnx/node';

export const REEXPORT_MODELS = ['shufflenet_v2_x0_5', 'shufflenet_v2_x1_0', 'resnet18', 'mobilenet_v3_small'];

interface ReexportModelResult {
  readonly name: string;
  readonly input: string;
  readonly originalNodes: number;
  /** ONNX nodes of each file. */
  readonly reexportNodes: number;
  /** Median wall time of one session.run, ms. */
  readonly originalMs: number;
  readonly reexportMs: number;
  /** Fastest run of each, ms: on a machine shared with other jobs the least disturbed number. */
  readonly originalMinMs: number;
  readonly reexportMinMs: number;
  /** Re-export / original, of the medians and of the fastest runs. */
  readonly ratio: number;
  readonly minRatio: number;
}

interface ReexportBenchResult {
  readonly date: string;
  readonly machine: string;
  readonly runtime: string;
  readonly reps: number;
  /** os.loadavg()[0] at the start and the end: how busy a shared machine was. */
  readonly load: number[];
  readonly models: ReexportModelResult[];
  readonly missing: string[];
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

export async function benchReexport(options: { readonly outDir: string; readonly zooDir: string; readonly models: readonly string[]; readonly reps: number }): Promise<void> {
  const ort = await import('onnxruntime-node');
  const machine = `${process.platform} ${process.arch}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}`;
  const result: ReexportBenchResult = {
    date: new Date().toISOString(),
    machine,
    runtime: `onnxruntime-node ${ort.env.versions.node ?? ''} CPU, 1 intra-op thread`,
    reps: options.reps,
    load: [os.loadavg()[0]!],
    models: [],
    missing: [],
  };
  console.log(`bench reexport: ${machine}`);
  for (const name of options.models) {
    const file = path.join(options.zooDir, name, 'opset17', 'model.onnx');
    if (!fs.existsSync(file)) {
      result.missing.push(name);
      continue;
    }
    const original = fs.readFileSync(file);
    const imported = loadOnnxFile(file);
    const reexport = exportOnnx(imported.validated, imported.weights);
    const session = (bytes: Uint8Array) => ort.InferenceSession.create(bytes, { executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1 });
    const [a, b] = [await session(original), await session(reexport)];
    const x = readNpyFile(path.join(options.zooDir, name, 'input.npy'));
    const feed = (s: typeof a) => ({ [s.inputNames[0]!]: new ort.Tensor('float32', x.data as Float32Array, [...x.shape]) });
    const time = async (s: typeof a): Promise<number> => {
      const t0 = performance.now();
      await s.run(feed(s));
      return performance.now() - t0;
    };
    for (let i = 0; i < 3; i++) {
      await time(a);
      await time(b);
    }
    const ta: number[] = [];
    const tb: number[] = [];
    for (let r = 0; r < options.reps; r++) {
      ta.push(await time(a));
      tb.push(await time(b));
    }
    const reexportNodes = decodeModel(reexport).graph?.node.length ?? 0;
    const row: ReexportModelResult = {
      name,
      input: x.shape.join('x'),
      originalNodes: decodeModel(original).graph?.node.length ?? 0,
      reexportNodes,
      originalMs: median(ta),
      reexportMs: median(tb),
      originalMinMs: Math.min(...ta),
      reexportMinMs: Math.min(...tb),
      ratio: median(tb) / median(ta),
      minRatio: Math.min(...tb) / Math.min(...ta),
    };
    result.models.push(row);
    console.log(
      `  ${name}: median original ${row.originalMs.toFixed(2)} ms, re-export ${row.reexportMs.toFixed(2)} ms (ratio ${row.ratio.toFixed(2)}); fastest ${row.originalMinMs.toFixed(2)} / ${row.reexportMinMs.toFixed(2)} ms (ratio ${row.minRatio.toFixed(2)})`,
    );
    await a.release();
    await b.release();
  }
  result.load.push(os.loadavg()[0]!);
  fs.mkdirSync(options.outDir, { recursive: true });
  writeFileAtomic(path.join(options.outDir, 'reexport.json'), JSON.stringify(result, null, 2) + '\n');
  writeFileAtomic(path.join(options.outDir, 'reexport.md'), renderReexportMarkdown(result));
}

export function renderReexportMarkdown(r: ReexportBenchResult): string {
  return [
    `# ONNX re-export vs original on onnxruntime-node`,
    '',
    `${r.date.slice(0, 10)}; ${r.machine}; ${r.runtime}; ${r.reps} runs each, alternating; load average (1 min) ${r.load.map((l) => l.toFixed(1)).join(' at the start, ')} at the end.`,
    '',
    '| model | input | original median / fastest (ms) | re-export median / fastest (ms) | ratio of medians | ratio of fastest | ONNX nodes (original / re-export) |',
    '|---|---|---|---|---|---|---|',
    ...r.models.map(
      (m) =>
        `| ${m.name} | ${m.input} | ${m.originalMs.toFixed(2)} / ${m.originalMinMs.toFixed(2)} | ${m.reexportMs.toFixed(2)} / ${m.reexportMinMs.toFixed(2)} | ${m.ratio.toFixed(2)} | ${m.minRatio.toFixed(2)} | ${m.originalNodes} / ${m.reexportNodes} |`,
    ),
    ...(r.missing.length > 0 ? ['', `Not exported by zoo.py yet: ${r.missing.join(', ')}.`] : []),
    '',
  ].join('\n');
}

/**
 * The reference evaluator's speed (`npm run bench -- --only reference`): float64 GFLOP/s of the
 * kernels that dominate real models (conv2d, dense, matmul) on layer shapes taken from ResNet-50,
 * MobileNetV2 and a transformer block, and whole-model times on the ONNX exports that
 * `tools/fixtures/make_fixtures.py` writes (the committed small fixtures, plus ResNet-50 at
 * 224x224 and InceptionV3 at 299x299 from `--bench` when they have been generated into
 * bench-results/models). Results: bench-results/reference.{json,md}. It only uses the public
 * `evaluateGraph`, so the same file measures an older checkout for a before/after comparison.
 * A benchmark, never a test: nothing asserts a time.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GraphBuilder, evaluateGraph, randomTensor, type BuiltGraph, type HostTensor, type ValidatedGraph, type WeightStore } from '@skipconn/core';
import { loadOnnxFile } from '@skipconn/onnx/node';

export interface ReferenceKernelResult {
  readonly name: string;
  readonly shape: string;
  /** Multiply-adds counted as 2 flops, of the kernel alone. */
  readonly gflop: number;
  /** Median wall time and process CPU time (all threads, so the GC's too) of one evaluation. */
  readonly ms: number;
  readonly cpuMs: number;
  /** From the wall time. */
  readonly gflops: number;
}

export interface ReferenceModelResult {
  readonly name: string;
  readonly input: string;
  readonly nodes: number;
  readonly gflop: number;
  readonly ms: number;
  readonly cpuMs: number;
  readonly gflops: number;
}

export interface ReferenceBenchResult {
  readonly date: string;
  readonly label: string;
  readonly machine: string;
  /** os.loadavg() at the start and the end: on a shared machine, how busy it was meanwhile. */
  readonly loadStart: number[];
  loadEnd: number[];
  readonly kernels: ReferenceKernelResult[];
  readonly models: ReferenceModelResult[];
  readonly missing: string[];
}

interface Timed {
  readonly vg: ValidatedGraph;
  readonly weights: WeightStore;
  readonly feeds: Record<string, HostTensor>;
}

/** Wall and CPU time of one evaluation (CPU time is what a machine shared with other jobs distorts least). */
interface Sample {
  readonly ms: number;
  readonly cpuMs: number;
}

function sampleEvaluate(g: Timed): Sample {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  evaluateGraph(g.vg, g.weights, g.feeds, { float64: true });
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/**
 * Medians of `reps` evaluations after one untimed run, stopping early past `budgetMs`. A first
 * run slower than 2 s is the sample itself: JIT warm-up is noise at that length, and repeating a
 * minutes-long run of an old checkout would only cost time.
 */
function timeEvaluate(g: Timed, reps: number, budgetMs: number): Sample {
  const first = sampleEvaluate(g);
  if (first.ms > 2000) return first;
  const samples: Sample[] = [];
  const until = performance.now() + budgetMs;
  for (let r = 0; r < reps; r++) {
    samples.push(sampleEvaluate(g));
    if (performance.now() > until) break;
  }
  const median = (xs: number[]): number => xs.sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
  return { ms: median(samples.map((s) => s.ms)), cpuMs: median(samples.map((s) => s.cpuMs)) };
}

/** 2 * multiply-adds of every conv2d, convTranspose2d, dense and matmul node of a validated graph. */
export function graphGflop(vg: ValidatedGraph): number {
  let flops = 0;
  const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
  for (const node of vg.nodes) {
    const out = node.outputs[0]!.shape;
    const op = node.spec.op;
    if (op === 'conv2d') {
      const w = node.inputs[1]!.shape;
      flops += 2 * size(out) * w[1]! * w[2]! * w[3]!;
    } else if (op === 'convTranspose2d') {
      const x = node.inputs[0]!.shape;
      const w = node.inputs[1]!.shape;
      flops += 2 * size(x) * size(w.slice(1));
    } else if (op === 'dense') {
      flops += 2 * size(out) * node.inputs[1]!.shape[1]!;
    } else if (op === 'matmul') {
      const a = node.inputs[0]!.shape;
      flops += 2 * size(out) * a[a.length - 1]!;
    }
  }
  return flops / 1e9;
}

function convGraph(c: number, o: number, hw: number, k: number, stride: number, groups: number, layout: 'NCHW' | 'NHWC'): BuiltGraph {
  const b = new GraphBuilder('conv');
  const shape = layout === 'NCHW' ? [1, c, hw, hw] : [1, hw, hw, c];
  const x = b.input('x', shape, { layout });
  const w = b.weight('w', randomTensor([o, c / groups, k, k], 2, -0.1, 0.1));
  const bias = b.weight('b', randomTensor([o], 3));
  const pad = Math.floor(k / 2);
  b.output(b.node('conv2d', [x, w, bias], { strides: [stride, stride], pads: [pad, pad, pad, pad], groups }, 'y'));
  return b.build();
}

function denseGraph(rows: number, inF: number, outF: number): BuiltGraph {
  const b = new GraphBuilder('dense');
  const x = b.input('x', [rows, inF]);
  b.output(b.node('dense', [x, b.weight('w', randomTensor([outF, inF], 2, -0.1, 0.1)), b.weight('b', randomTensor([outF], 3))], {}, 'y'));
  return b.build();
}

function matmulGraph(batch: number, m: number, k: number, n: number): BuiltGraph {
  const b = new GraphBuilder('matmul');
  const x = b.input('a', [batch, m, k]);
  const y = b.input('b', [batch, k, n]);
  b.output(b.node('matmul', [x, y], {}, 'y'));
  return b.build();
}

function timedFromBuilt(built: BuiltGraph): Timed {
  const feeds: Record<string, HostTensor> = {};
  built.graph.inputs.forEach((input, i) => (feeds[input.name] = randomTensor(input.shape, 10 + i)));
  return { vg: built.validated, weights: built.weights, feeds };
}

const KERNELS: ReadonlyArray<readonly [string, string, () => BuiltGraph]> = [
  ['conv2d 3x3, ResNet-50 layer1', '[1,64,56,56] -> 64, NCHW', () => convGraph(64, 64, 56, 3, 1, 1, 'NCHW')],
  ['conv2d 3x3, ResNet-50 layer1', '[1,56,56,64] -> 64, NHWC', () => convGraph(64, 64, 56, 3, 1, 1, 'NHWC')],
  ['conv2d 1x1, ResNet-50 bottleneck', '[1,256,56,56] -> 64, NCHW', () => convGraph(256, 64, 56, 1, 1, 1, 'NCHW')],
  ['conv2d 7x7 stride 2, ResNet-50 stem', '[1,3,224,224] -> 64, NCHW', () => convGraph(3, 64, 224, 7, 2, 1, 'NCHW')],
  ['conv2d 3x3 stride 2, ResNet-50 layer4', '[1,512,14,14] -> 512, NCHW', () => convGraph(512, 512, 14, 3, 2, 1, 'NCHW')],
  ['conv2d 3x3 depthwise, MobileNetV2', '[1,144,56,56], groups 144, NCHW', () => convGraph(144, 144, 56, 3, 1, 144, 'NCHW')],
  ['dense, transformer MLP', '[512,768] -> 768', () => denseGraph(512, 768, 768)],
  ['matmul, attention scores', '[12,128,64] @ [12,64,128]', () => matmulGraph(12, 128, 64, 128)],
];

export interface ReferenceBenchOptions {
  readonly outDir: string;
  readonly label: string;
  /** Folders holding <name>/model.onnx fixtures, searched in order. */
  readonly modelDirs: readonly string[];
  readonly models: readonly string[];
  readonly reps: number;
  /** Per kernel or model: stop repeating after this much time (one run always completes). */
  readonly budgetMs: number;
}

export const REFERENCE_MODELS = ['resnet18_narrow', 'densenet_small', 'mobilenetv2_narrow', 'skip_zoo', 'vit_tiny', 'resnet50', 'inception_v3'];

export function benchReference(options: ReferenceBenchOptions): ReferenceBenchResult {
  const machine = `${process.platform} ${process.arch}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}`;
  const result: ReferenceBenchResult = { date: new Date().toISOString(), label: options.label, machine, loadStart: os.loadavg(), loadEnd: [], kernels: [], models: [], missing: [] };
  console.log(`bench reference (${options.label}): ${machine}`);
  for (const [name, shape, make] of KERNELS) {
    const built = make();
    const gflop = graphGflop(built.validated);
    const { ms, cpuMs } = timeEvaluate(timedFromBuilt(built), options.reps, options.budgetMs);
    result.kernels.push({ name, shape, gflop, ms, cpuMs, gflops: gflop / (ms / 1000) });
    console.log(`  ${name} ${shape}: ${ms.toFixed(1)} ms (CPU ${cpuMs.toFixed(1)} ms), ${(gflop / (ms / 1000)).toFixed(3)} GFLOP/s`);
  }
  for (const model of options.models) {
    const dir = options.modelDirs.map((d) => path.join(d, model)).find((d) => fs.existsSync(path.join(d, 'model.onnx')));
    if (dir === undefined) {
      result.missing.push(model);
      console.log(`  ${model}: not found in ${options.modelDirs.join(', ')} (make it with /usr/bin/python3 tools/fixtures/make_fixtures.py --bench)`);
      continue;
    }
    const { validated, weights } = loadOnnxFile(path.join(dir, 'model.onnx'));
    const feeds: Record<string, HostTensor> = {};
    validated.graph.inputs.forEach((input, i) => (feeds[input.name] = randomTensor(input.shape, 20 + i)));
    const gflop = graphGflop(validated);
    const { ms, cpuMs } = timeEvaluate({ vg: validated, weights, feeds }, options.reps, options.budgetMs);
    const input = validated.graph.inputs.map((i) => `[${i.shape.join(',')}]`).join(', ');
    result.models.push({ name: model, input, nodes: validated.nodes.length, gflop, ms, cpuMs, gflops: gflop / (ms / 1000) });
    console.log(`  ${model} ${input}: ${validated.nodes.length} nodes, ${gflop.toFixed(3)} GFLOP, ${ms.toFixed(0)} ms (CPU ${cpuMs.toFixed(0)} ms), ${(gflop / (ms / 1000)).toFixed(3)} GFLOP/s`);
  }
  result.loadEnd = os.loadavg();
  fs.mkdirSync(options.outDir, { recursive: true });
  const base = path.join(options.outDir, options.label === 'current' ? 'reference' : `reference-${options.label}`);
  fs.writeFileSync(`${base}.json`, `${JSON.stringify(result, null, 2)}\n`);
  fs.writeFileSync(`${base}.md`, renderReferenceMarkdown(result));
  console.log(`bench: wrote ${base}.json and .md`);
  return result;
}

export function renderReferenceMarkdown(r: ReferenceBenchResult): string {
  const load = (l: readonly number[]): string => l.map((x) => x.toFixed(1)).join(' / ');
  const lines = [
    `# Reference evaluator (${r.label}), ${r.date}`,
    '',
    `${r.machine}; load average (1/5/15 min) ${load(r.loadStart)} at the start, ${load(r.loadEnd)} at the end`,
    '',
    '| kernel | shape | GFLOP | ms | CPU ms | GFLOP/s |',
    '|---|---|---:|---:|---:|---:|',
  ];
  for (const k of r.kernels) lines.push(`| ${k.name} | ${k.shape} | ${k.gflop.toFixed(3)} | ${k.ms.toFixed(1)} | ${k.cpuMs.toFixed(1)} | ${k.gflops.toFixed(3)} |`);
  lines.push('', '| model | input | nodes | GFLOP (conv, dense, matmul) | ms | CPU ms | GFLOP/s |', '|---|---|---:|---:|---:|---:|---:|');
  for (const m of r.models) lines.push(`| ${m.name} | ${m.input} | ${m.nodes} | ${m.gflop.toFixed(3)} | ${m.ms.toFixed(0)} | ${m.cpuMs.toFixed(0)} | ${m.gflops.toFixed(3)} |`);
  if (r.missing.length > 0) lines.push('', `Not found (make them with \`/usr/bin/python3 tools/fixtures/make_fixtures.py --bench\`): ${r.missing.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

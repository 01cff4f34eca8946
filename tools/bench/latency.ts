/**
 * The `webgpu` section's latency part: where the time of one `compiled.run(feeds)` goes, phase by
 * phase, and of `time()`'s single runs (encode, submit, wait), on a plain residual add at sizes
 * small enough for the constant costs to show. Writes bench-results/webgpu-latency.{json,md}.
 *
 * A run is traced by `traceRun()` (the same path as `run()`, plus a timestamp at each boundary on a
 * clock shared by the host and the worker, see packages/webgpu/src/engine/run-trace.ts). Each
 * phase is the median over the samples of its own duration, so the phases need not add up to the
 * median total exactly. GPU time is the timestamp-query median of back-to-back runs of the same plan.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunMark, RunMarks, SingleRunSteps, WebGpuAdapter } from '@skipconn/webgpu';
import { residual } from './graphs';

/** One phase: the time from mark `from` to mark `to`. */
interface Phase {
  readonly label: string;
  readonly from: RunMark;
  readonly to: RunMark;
}

/** The phases of a run in the order it passes them, then spans across several. */
export const RUN_PHASES: readonly Phase[] = [
  { label: 'host: check feeds, copy them for transfer', from: 'called', to: 'posting' },
  { label: 'message to the worker (postMessage included)', from: 'posting', to: 'received' },
  { label: "worker: wait for the engine's queue", from: 'received', to: 'started' },
  { label: 'upload (writeBuffer)', from: 'started', to: 'uploaded' },
  { label: 'encode and submit', from: 'uploaded', to: 'submitted' },
  { label: 'error scopes answered', from: 'submitted', to: 'checked' },
  { label: 'readback mapped', from: 'checked', to: 'mapped' },
  { label: 'copy out of the mapped buffer, unmap', from: 'mapped', to: 'copied' },
  { label: 'worker: build the reply', from: 'copied', to: 'replying' },
  { label: 'message to the host (postMessage included)', from: 'replying', to: 'replied' },
  { label: 'host: output tensors', from: 'replied', to: 'returned' },
];

export const RUN_SPANS: readonly Phase[] = [
  { label: 'submit to GPU done (onSubmittedWorkDone, observed)', from: 'submitted', to: 'gpuDone' },
  { label: 'GPU done to readback mapped', from: 'gpuDone', to: 'mapped' },
  { label: 'GPU done to run() returned', from: 'gpuDone', to: 'returned' },
  { label: 'total: run() called to returned', from: 'called', to: 'returned' },
];

export interface LatencySize {
  readonly elements: number;
  /** The adapter configuration measured (see `LatencyVariant`). */
  readonly variant: string;
  /** Traced runs measured. */
  readonly runs: number;
  /** Median GPU time of one run (timestamp queries, back to back); null without timestamps. */
  readonly gpuMs: number | null;
  /** Median of each phase and span of `run()`, by label (ms). */
  readonly run: Record<string, number>;
  /**
   * CPU time of the whole process (host, both workers) per traced run (ms): the other variant's
   * worker is idle meanwhile, so this is what one run costs the machine's cores.
   */
  readonly cpuMsPerRun: number;
  /** Median of time()'s single runs: encode, submit, wait, and their total (ms). */
  readonly single: { readonly encode: number; readonly submit: number; readonly wait: number; readonly total: number; readonly runs: number };
}

export interface LatencyResult {
  readonly date: string;
  readonly device: string;
  readonly label: string;
  readonly sizes: LatencySize[];
}

/** An adapter measured under a name (the default configuration, or one kept for comparison). */
export interface LatencyVariant {
  readonly name: string;
  readonly adapter: WebGpuAdapter;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

function spanMedian(samples: readonly RunMarks[], p: Phase): number {
  const d: number[] = [];
  for (const m of samples) if (m[p.from] !== undefined && m[p.to] !== undefined) d.push(m[p.to]! - m[p.from]!);
  return median(d);
}

const ROUNDS = 4;

/**
 * Per size, on every variant: compile `y = x + f`, run it and time it untimed once; then, in
 * ROUNDS rounds that take the variants in turn (so a change in the machine's load hits them
 * alike), traced runs one after another and `time()` with as many single runs (and back-to-back
 * runs for the GPU time). `budgetMs` caps each size's traced runs (at least 5 per variant).
 */
export async function benchLatency(
  variants: readonly LatencyVariant[],
  options: { readonly sizes: readonly number[]; readonly runs: number; readonly budgetMs: number; readonly outDir: string; readonly label: string },
): Promise<LatencyResult> {
  const result: LatencyResult = { date: new Date().toISOString(), device: variants[0]!.adapter.device!.backend, label: options.label, sizes: [] };
  const perRound = Math.max(2, Math.ceil(options.runs / ROUNDS));
  for (const elements of options.sizes) {
    const g = residual([elements], 1, 1, 'none');
    const compiled = await Promise.all(variants.map((v) => v.adapter.compile(g.built.validated, g.built.weights)));
    try {
      for (const c of compiled) {
        await c.run(g.feeds);
        await c.time(g.feeds, { reps: 0, warmup: 3, single: 3 });
      }
      const samples: RunMarks[][] = variants.map(() => []);
      const cpuMs = variants.map(() => 0);
      const singles: { steps: SingleRunSteps[]; total: number[]; gpu: number[] }[] = variants.map(() => ({ steps: [], total: [], gpu: [] }));
      const until = performance.now() + options.budgetMs;
      for (let round = 0; round < ROUNDS && (round === 0 || performance.now() < until); round++) {
        for (let v = 0; v < variants.length; v++) {
          const c = compiled[v]!;
          const before = samples[v]!.length;
          const cpu = process.cpuUsage();
          for (let i = 0; i < perRound && (i < 5 || performance.now() < until); i++) samples[v]!.push((await c.traceRun(g.feeds)).marks);
          const used = process.cpuUsage(cpu);
          cpuMs[v]! += (used.user + used.system) / 1e3;
          const t = await c.time(g.feeds, { reps: 5, warmup: 2, single: samples[v]!.length - before });
          singles[v]!.steps.push(...t.singleSteps);
          singles[v]!.total.push(...t.singleMs);
          if (t.gpuMs !== null) singles[v]!.gpu.push(...t.gpuMs);
        }
      }
      variants.forEach((variant, v) => {
        const run: Record<string, number> = {};
        for (const p of [...RUN_PHASES, ...RUN_SPANS]) run[p.label] = spanMedian(samples[v]!, p);
        const { steps, total, gpu } = singles[v]!;
        const r: LatencySize = {
          elements,
          variant: variant.name,
          runs: samples[v]!.length,
          cpuMsPerRun: cpuMs[v]! / samples[v]!.length,
          gpuMs: gpu.length === 0 ? null : median(gpu),
          run,
          single: { encode: median(steps.map((s) => s.encode)), submit: median(steps.map((s) => s.submit)), wait: median(steps.map((s) => s.wait)), total: median(total), runs: steps.length },
        };
        result.sizes.push(r);
        console.log(
          `  latency [${elements}] ${variant.name}: run() ${r.run['total: run() called to returned']!.toFixed(3)} ms (CPU ${r.cpuMsPerRun.toFixed(3)} ms), GPU done to returned ${r.run['GPU done to run() returned']!.toFixed(3)} ms, single run ${r.single.total.toFixed(3)} ms, GPU ${r.gpuMs?.toFixed(3) ?? '-'} ms (${r.runs} runs)`,
        );
      });
    } finally {
      for (const c of compiled) await c.dispose();
    }
  }
  const base = options.label === 'current' ? 'webgpu-latency' : `webgpu-latency-${options.label}`;
  fs.mkdirSync(options.outDir, { recursive: true });
  fs.writeFileSync(path.join(options.outDir, `${base}.json`), `${JSON.stringify(result, null, 2)}\n`);
  fs.writeFileSync(path.join(options.outDir, `${base}.md`), renderLatency(result));
  console.log(`bench: wrote ${path.join(options.outDir, `${base}.json`)} and ${base}.md`);
  return result;
}

const ms = (v: number | null | undefined): string => (v === null || v === undefined || Number.isNaN(v) ? '-' : v.toFixed(3));

export function renderLatency(r: LatencyResult): string {
  const variants = new Set(r.sizes.map((s) => s.variant));
  const head = `| phase (median ms) | ${r.sizes.map((s) => (variants.size > 1 ? `[${s.elements}] ${s.variant}` : `[${s.elements}]`)).join(' | ')} |`;
  const rule = `|---|${r.sizes.map(() => '---:').join('|')}|`;
  const lines = [
    '# webgpu adapter: one run, phase by phase',
    '',
    `- device: ${r.device}`,
    `- date: ${r.date}; label: ${r.label}; residual add \`y = x + f\` (float32), runs issued one after another`,
    '',
    '## `compiled.run(feeds)`',
    '',
    head,
    rule,
    ...[...RUN_PHASES, ...RUN_SPANS].map((p) => `| ${p.label} | ${r.sizes.map((s) => ms(s.run[p.label])).join(' | ')} |`),
    `| process CPU time per run | ${r.sizes.map((s) => ms(s.cpuMsPerRun)).join(' | ')} |`,
    `| runs | ${r.sizes.map((s) => s.runs).join(' | ')} |`,
    '',
    "## `time()`'s single runs (inputs on the GPU, nothing read back) and GPU time",
    '',
    head,
    rule,
    `| encode | ${r.sizes.map((s) => ms(s.single.encode)).join(' | ')} |`,
    `| queue.submit | ${r.sizes.map((s) => ms(s.single.submit)).join(' | ')} |`,
    `| submit to onSubmittedWorkDone | ${r.sizes.map((s) => ms(s.single.wait)).join(' | ')} |`,
    `| total | ${r.sizes.map((s) => ms(s.single.total)).join(' | ')} |`,
    `| GPU time (timestamp queries, back to back) | ${r.sizes.map((s) => ms(s.gpuMs)).join(' | ')} |`,
    `| single run minus GPU time | ${r.sizes.map((s) => (s.gpuMs === null ? '-' : ms(s.single.total - s.gpuMs))).join(' | ')} |`,
    `| runs | ${r.sizes.map((s) => s.single.runs).join(' | ')} |`,
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * Leak soak: for each adapter, `cycles` compile/run/dispose cycles and then `runs` runs of one
 * compiled graph (a ResNet basic block, [1, 4, 8, 8]), reporting resident memory, JS heap and the
 * adapter's resources() before, after the cycles and after the runs. A finding is any resources()
 * count above its starting value once everything is disposed.
 *
 * `npm run soak -- [--adapters a,b] [--cycles N] [--runs N] [--json FILE]` (defaults: every
 * adapter that runs here without a GPU, 200 cycles, 1,000 runs); tools/test/soak.test.ts runs a
 * short version from jest. Unavailable adapters are listed with the reason, not failed.
 */
import { AdapterUnavailableError, GraphBuilder, blocks, createAdapter, randomTensor, type ResourceCounts } from '@skipconn/core';
import { writeFileAtomic } from '@skipconn/core/node';

export const DEFAULT_SOAK_ADAPTERS = ['reference', 'ort-node:cpu', 'tfjs:cpu', 'tfjs:wasm', 'ort-web:wasm'];

export interface Sample {
  readonly rssMb: number;
  readonly heapMb: number;
  readonly resources: ResourceCounts;
}

export interface SoakResult {
  readonly adapter: string;
  readonly available: boolean;
  readonly reason?: string;
  readonly cycles: number;
  readonly runs: number;
  readonly start?: Sample;
  readonly afterCycles?: Sample;
  readonly afterRuns?: Sample;
  /** resources() counts that ended above their start, e.g. "tensors +3". */
  readonly leaks: string[];
  readonly seconds: number;
}

function sample(resources: ResourceCounts): Sample {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { rssMb: m.rss / 2 ** 20, heapMb: m.heapUsed / 2 ** 20, resources: { ...resources } };
}

function grown(start: ResourceCounts, end: ResourceCounts): string[] {
  return Object.keys(end)
    .filter((k) => (end[k] ?? 0) > (start[k] ?? 0))
    .map((k) => `${k} +${end[k]! - (start[k] ?? 0)}`);
}

function block() {
  const b = new GraphBuilder('soak');
  const x = b.input('x', [1, 4, 8, 8], { layout: 'NCHW' });
  b.output(blocks.resnetBasicBlock(b, x, 'block', 4, 4));
  return { built: b.build(), feeds: { x: randomTensor([1, 4, 8, 8], 5) } };
}

export async function soakAdapter(name: string, cycles: number, runs: number): Promise<SoakResult> {
  const started = Date.now();
  const { built, feeds } = block();
  const adapter = await createAdapter(name);
  try {
    await adapter.init();
  } catch (err) {
    await adapter.dispose().catch(() => undefined);
    if (err instanceof AdapterUnavailableError) return { adapter: name, available: false, reason: err.reason, cycles: 0, runs: 0, leaks: [], seconds: 0 };
    throw err;
  }
  try {
    const start = sample(adapter.resources());
    for (let i = 0; i < cycles; i++) {
      const compiled = await adapter.compile(built.validated, built.weights);
      await compiled.run(feeds);
      await compiled.dispose();
    }
    const afterCycles = sample(adapter.resources());
    const compiled = await adapter.compile(built.validated, built.weights);
    for (let i = 0; i < runs; i++) await compiled.run(feeds);
    await compiled.dispose();
    const afterRuns = sample(adapter.resources());
    const leaks = [...new Set([...grown(start.resources, afterCycles.resources), ...grown(start.resources, afterRuns.resources)])];
    return { adapter: name, available: true, cycles, runs, start, afterCycles, afterRuns, leaks, seconds: (Date.now() - started) / 1000 };
  } finally {
    await adapter.dispose();
  }
}

export function renderSoak(results: readonly SoakResult[]): string {
  const lines = ['| adapter | cycles | runs | RSS MB start / after cycles / after runs | heap MB start / after cycles / after runs | resources() start -> end | leaks | s |', '|---|---:|---:|---|---|---|---|---:|'];
  const f = (n: number | undefined) => (n === undefined ? '-' : n.toFixed(0));
  for (const r of results) {
    if (!r.available) {
      lines.push(`| ${r.adapter} | - | - | unavailable: ${r.reason} | | | | |`);
      continue;
    }
    lines.push(
      `| ${r.adapter} | ${r.cycles} | ${r.runs} | ${f(r.start?.rssMb)} / ${f(r.afterCycles?.rssMb)} / ${f(r.afterRuns?.rssMb)} | ${f(r.start?.heapMb)} / ${f(r.afterCycles?.heapMb)} / ${f(r.afterRuns?.heapMb)} | ${JSON.stringify(r.start?.resources)} -> ${JSON.stringify(r.afterRuns?.resources)} | ${r.leaks.join(', ') || 'none'} | ${r.seconds.toFixed(1)} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const arg = (name: string): string | undefined => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const count = (name: string, fallback: number): number => {
    const n = Number(arg(name) ?? fallback);
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name}: expected a non-negative integer, received ${arg(name)}`);
    return n;
  };
  const cycles = count('--cycles', 200);
  const runs = count('--runs', 1000);
  const adapters = (arg('--adapters') ?? DEFAULT_SOAK_ADAPTERS.join(',')).split(',').filter((a) => a !== '');
  // Each adapter package registers its adapters when imported; loaded here only, not by the jest soak.
  await import('@skipconn/onnxruntime-node');
  await import('@skipconn/onnxruntime-web');
  await import('@skipconn/tfjs');
  const results: SoakResult[] = [];
  for (const a of adapters) {
    const r = await soakAdapter(a, cycles, runs);
    results.push(r);
    console.log(r.available ? `soak ${a}: ${r.seconds.toFixed(1)} s, leaks: ${r.leaks.join(', ') || 'none'}` : `soak ${a}: unavailable (${r.reason})`);
  }
  console.log(renderSoak(results));
  const out = arg('--json');
  if (out !== undefined) writeFileAtomic(out, `${JSON.stringify({ date: new Date().toISOString(), results }, null, 2)}\n`);
  process.exitCode = results.some((r) => r.leaks.length > 0) ? 1 : 0;
}

if (process.argv[1] !== undefined && /soak\.ts$/.test(process.argv[1])) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}

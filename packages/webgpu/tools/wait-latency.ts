/**
 * Latency of one submit waited on alone, through the same `time()` path as `npm run bench`:
 * a tiny residual add, `--n` single runs (reps 1, warmup 0), median and quartiles.
 *   npx tsx packages/webgpu/tools/wait-latency.ts [--n 200] [--size 1024]
 */
import { residual } from '../../../tools/bench/graphs';
import { createWebGpuAdapter } from '../src/index';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

async function main(): Promise<void> {
  const n = arg('--n', 200);
  const size = arg('--size', 1024);
  const adapter = createWebGpuAdapter();
  await adapter.init();
  try {
    const g = residual([size], 1, 1, 'none');
    const c = await adapter.compile(g.built.validated, g.built.weights, { fusion: true });
    await c.run(g.feeds);
    for (let i = 0; i < 20; i++) await c.time(g.feeds, 1, 0);
    const wall: number[] = [];
    for (let i = 0; i < n; i++) wall.push((await c.time(g.feeds, 1, 0)).wallMs);
    wall.sort((a, b) => a - b);
    const q = (p: number): string => wall[Math.floor(p * (wall.length - 1))]!.toFixed(3);
    console.log(`${adapter.device!.backend}: residual add [${size}], ${n} single runs: median ${q(0.5)} ms (p25 ${q(0.25)}, p75 ${q(0.75)}, min ${q(0)}, max ${q(1)})`);
    await c.dispose();
  } finally {
    await adapter.dispose();
  }
}

void main();

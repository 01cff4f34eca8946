/**
 * Latency of one run waited on alone, two ways, through the adapter's worker as `npm run bench`:
 *  - resident: `time({ single: n })`, inputs uploaded once, runs issued one after another (what the
 *    peers section reports as "one run");
 *  - after upload: `time({ reps: 1 })` called n times, so every timed run follows a fresh upload of
 *    the inputs and a timestamp readback (the method the peers section used before; on a GPU it
 *    measured ~1.3 ms where GPU time was 0.13 ms, so the difference between these two lines says how
 *    much of that the upload and readback cost).
 * Both wait for the GPU as the adapter does (the paced wait); `--plain` makes the adapter await
 * Dawn's promises plainly (`pacedWaits: false`). `npm run bench -- --only latency` breaks a run
 * down phase by phase.
 *   npx tsx packages/webgpu/tools/wait-latency.ts [--n 200] [--size 1024] [--plain]
 */
import { residual } from '../../../tools/bench/graphs';
import { createWebGpuAdapter } from '../src/index';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

function summary(ms: readonly number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number): string => s[Math.floor(p * (s.length - 1))]!.toFixed(3);
  return `median ${q(0.5)} ms (p25 ${q(0.25)}, p75 ${q(0.75)}, min ${q(0)}, max ${q(1)})`;
}

async function main(): Promise<void> {
  const n = arg('--n', 200);
  const size = arg('--size', 1024);
  const plain = process.argv.includes('--plain');
  const adapter = createWebGpuAdapter({ pacedWaits: !plain });
  await adapter.init();
  try {
    const g = residual([size], 1, 1, 'none');
    const c = await adapter.compile(g.built.validated, g.built.weights, { fusion: true });
    await c.run(g.feeds);
    await c.time(g.feeds, { reps: 0, warmup: 20, single: 20 });
    const resident = await c.time(g.feeds, { reps: 0, warmup: 0, single: n });
    const afterUpload: number[] = [];
    for (let i = 0; i < n; i++) afterUpload.push((await c.time(g.feeds, { reps: 1, warmup: 0 })).wallMs);
    const head = `${adapter.device!.backend}: residual add [${size}], ${plain ? 'plain await' : 'paced wait'}, ${n} single runs`;
    console.log(`${head}, inputs resident: ${summary(resident.singleMs)}`);
    console.log(`${head}, each after an upload and a timestamp readback: ${summary(afterUpload)}`);
    await c.dispose();
  } finally {
    await adapter.dispose();
  }
}

void main();

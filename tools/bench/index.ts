/**
 * npm run bench [-- --quick | --full] [--reps N] [--out DIR] [--only webgpu|latency|peers|gemv|models|reference|chains|cli|reexport] [--cli-reps N]
 *                  [--latency-sizes 1024,65536] [--latency-runs N]
 *                  [--chain-sizes 25000,50000,100000]
 *                  [--budget-s S] [--gemv-budget-s S] [--peers tfjs,ort] [--ort-v8 liftoff|default] [--ort-limits adapter|default] [--no-capture]
 *                  [--models-budget-s S] [--whole-models a,b] [--models-dir DIR]
 *                  [--models a,b] [--label NAME]
 *
 * Sections, all by default in one run (webgpu and peers on one adapter):
 *  - `cli` (bench-results/cli.{json,md}, cli-startup.ts): `skipconn --help` startup, built and
 *    from a checkout, next to `node -e 0`.
 *  - `chains` (bench-results/chains.{json,md}, chains.ts): inspect, run and port on relu chains of
 *    up to 100k nodes, IR and ONNX, each command in a child process (time and peak RSS).
 *  - `webgpu` (bench-results/webgpu.{json,md}): adapter `webgpu` on the same blocks: fused kernels
 *    vs fusion off (and vs the block written without merge ops), DenseNet block buffer bytes vs the
 *    sum of its feature maps, and the bandwidth of the plain residual add; first its latency part
 *    (`--only latency` alone; bench-results/webgpu-latency.{json,md}, latency.ts): one
 *    `compiled.run()` phase by phase, and time()'s single runs, at small and mid sizes, with the
 *    default paced wait for the GPU and with a plain await (a second adapter, `pacedWaits: false`)
 *    (--label NAME writes webgpu-latency-NAME.{json,md}).
 *  - `peers` (bench-results/peers.{json,md}, peers/run.ts): this adapter against `tfjs:webgpu` and
 *    `ort-web:webgpu` on the same blocks and inputs, each peer in a child process of its own,
 *    engines alternating; --budget-s bounds the section (default 600 s).
 *  - `gemv` (bench-results/gemv.{json,md}, gemv.ts): one-row dense at VGG and ResNet head sizes on
 *    the matrix-vector kernel, on the tiled GEMM (`gemv: false`) and on the peers, in the same
 *    rounds; --gemv-budget-s bounds it (default 600 s).
 *  - `models` (bench-results/models.{json,md}, models/run.ts): the same comparison on whole models
 *    (ResNet-50, MobileNetV2, DenseNet-121, ViT-B/16, a TransformerEncoder stack) refilled from
 *    weight-less ONNX skeletons; --models-budget-s bounds it (default 900 s).
 *  - `reference` (bench-results/reference.{json,md}, reference.ts): the float64 reference
 *    evaluator's GFLOP/s per kernel and its time on whole ONNX models (--models picks them,
 *    --label names an older checkout's run: reference-<label>.{json,md}). No GPU needed.
 *  - `reexport` (bench-results/reexport.{json,md}, onnx-reexport.ts): zoo models' original ONNX
 *    against skipconn's re-export on onnxruntime-node CPU, alternating, and their ratio.
 * GPU times come from timestamp queries when the device has
 * them; wall times are submit-to-completion per run, inputs already on the GPU. The GPU is warmed up
 * first and each block's variants are timed interleaved (see measureAll). Results go to
 * bench-results/webgpu.{json,md} (git-ignored). A benchmark, never a test: no assertions on time.
 *
 * Sizes: --full on a hardware GPU (default there), --quick on a software adapter (default on
 * SwiftShader, which is slow). Nothing here assumes SwiftShader.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createWebGpuAdapter, type ConvSettings, type WebGpuAdapter, type WebGpuCompiledGraph } from '@skipconn/webgpu';
import { FULL, QUICK, blocks, block, highway, residual, residualDecomposed, type BenchGraph, type Sizes } from './graphs';
import { renderMarkdown, type BenchResult, type Measurement } from './report';
import { benchPeers, type PeerName, type PeersOptions } from './peers/run';
import { benchModels, parseModelNames } from './models/run';
import { DEFAULT_MODELS_DIR, MODEL_NAMES } from './models/models';
import { benchCliStartup, renderStartup } from './cli-startup';
import { REFERENCE_MODELS, benchReference } from './reference';
import { benchChains } from './chains';
import { REEXPORT_MODELS, benchReexport } from './onnx-reexport';
import { benchLatency } from './latency';
import { benchGemv } from './gemv';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** Name, graph, fusion, convolution knobs, and whether conv2d takes an elementwise prologue (`convPrologue`, default off). */
type Variant = [string, BenchGraph, boolean, ConvSettings?, boolean?];

/**
 * Times the variants of one block interleaved: every variant is compiled first, then each round
 * times each variant in turn, so clock changes during the run (a GPU ramping up from idle) hit
 * all variants alike instead of favouring whichever runs last. Medians over all rounds.
 */
async function measureAll(adapter: WebGpuAdapter, variants: readonly Variant[], reps: number, warmup: number, rounds: number): Promise<Measurement[]> {
  const compiled: WebGpuCompiledGraph[] = [];
  try {
    for (const [, g, fusion, conv, convPrologue] of variants) {
      const c = await adapter.compile(g.built.validated, g.built.weights, { fusion, convPrologue: convPrologue ?? false, ...(conv ? { conv } : {}) });
      compiled.push(c);
      await c.run(g.feeds);
    }
    const gpu: number[][] = variants.map(() => []);
    const wall: number[][] = variants.map(() => []);
    const perRound = Math.max(1, Math.ceil(reps / rounds));
    for (let r = 0; r < rounds; r++) {
      for (let i = 0; i < variants.length; i++) {
        const t = await compiled[i]!.time(variants[i]![1].feeds, { reps: perRound, warmup });
        if (t.gpuMs !== null) gpu[i]!.push(...t.gpuMs);
        wall[i]!.push(t.wallMs);
      }
    }
    return variants.map(([variant], i) => ({
      variant,
      dispatches: compiled[i]!.report.dispatches,
      kernels: compiled[i]!.report.kernels.map((k) => k.label),
      gpuMs: gpu[i]!.length > 0 ? median(gpu[i]!) : null,
      wallMs: median(wall[i]!),
      arenaBytes: compiled[i]!.report.arenaBytes,
    }));
  } finally {
    for (const c of compiled) await c.dispose();
  }
}

async function main(): Promise<void> {
  const outDir = arg('--out') ?? 'bench-results';
  const only = arg('--only');
  if (only !== undefined && !['webgpu', 'latency', 'peers', 'gemv', 'models', 'reference', 'chains', 'cli', 'reexport'].includes(only))
    throw new Error(`--only: expected webgpu, latency, peers, gemv, models, reference, chains, cli or reexport, received ${only}`);
  if (only === undefined || only === 'cli') console.log(renderStartup(benchCliStartup(outDir, Number(arg('--cli-reps') ?? 9))));
  if (only === undefined || only === 'chains') {
    const sizes = (arg('--chain-sizes') ?? '25000,50000,100000').split(',').map(Number);
    if (sizes.some((n) => !Number.isSafeInteger(n) || n < 1)) throw new Error(`--chain-sizes: expected positive integers, received ${arg('--chain-sizes')}`);
    await benchChains(outDir, sizes);
  }
  if (only === undefined || only === 'webgpu' || only === 'latency' || only === 'peers' || only === 'gemv' || only === 'models') await benchGpu(only, outDir);
  if (only === undefined || only === 'reference') {
    benchReference({
      outDir,
      label: arg('--label') ?? 'current',
      modelDirs: [path.join(outDir, 'models'), 'packages/onnx/test/fixtures'],
      models: (arg('--models') ?? REFERENCE_MODELS.join(',')).split(',').filter((m) => m !== ''),
      reps: Number(arg('--reps') ?? 5),
      budgetMs: 20_000,
    });
  }
  if (only === undefined || only === 'reexport') {
    await benchReexport({ outDir, zooDir: path.join(outDir, 'zoo'), models: (arg('--models') ?? REEXPORT_MODELS.join(',')).split(',').filter((m) => m !== ''), reps: Number(arg('--reps') ?? 30) });
  }
}

async function benchGpu(only: string | undefined, outDir: string): Promise<void> {
  const adapter = createWebGpuAdapter();
  await adapter.init();
  const device = adapter.device!;
  const quick = process.argv.includes('--quick') || (!process.argv.includes('--full') && device.isFallbackAdapter);
  try {
    if (only === undefined || only === 'webgpu' || only === 'latency') {
      const sizes = (arg('--latency-sizes') ?? (quick ? '1024,65536,1048576' : '1024,65536,1048576,16777216')).split(',').map(Number);
      if (sizes.some((n) => !Number.isSafeInteger(n) || n < 1)) throw new Error(`--latency-sizes: expected positive integers, received ${arg('--latency-sizes')}`);
      console.log(`bench latency: ${device.backend}`);
      // The plain await, beside the default paced wait, in the same rounds (docs/webgpu.md, "Waiting for the GPU").
      const plain = createWebGpuAdapter({ pacedWaits: false });
      await plain.init();
      try {
        const variants = [
          { name: 'paced wait', adapter },
          { name: 'plain await', adapter: plain },
        ];
        await benchLatency(variants, { sizes, runs: Number(arg('--latency-runs') ?? 200), budgetMs: quick ? 20_000 : 10_000, outDir, label: arg('--label') ?? 'current' });
      } finally {
        await plain.dispose();
      }
    }
    if (only === undefined || only === 'webgpu') await benchAdapter(adapter, quick, outDir);
    if (only === undefined || only === 'peers' || only === 'gemv' || only === 'models') {
      const peers = (arg('--peers') ?? 'tfjs,ort').split(',').filter((p) => p !== '');
      for (const p of peers) if (p !== 'tfjs' && p !== 'ort') throw new Error(`--peers: expected tfjs and/or ort, received ${p}`);
      const v8 = arg('--ort-v8') ?? 'liftoff';
      if (v8 !== 'liftoff' && v8 !== 'default') throw new Error(`--ort-v8: expected liftoff or default, received ${v8}`);
      const ortLimits = arg('--ort-limits') ?? 'adapter';
      if (ortLimits !== 'adapter' && ortLimits !== 'default') throw new Error(`--ort-limits: expected adapter or default, received ${ortLimits}`);
      const num = (name: string): number | undefined => {
        const v = arg(name);
        if (v === undefined) return undefined;
        const n = Number(v);
        if (!Number.isFinite(n) || n < 0) throw new Error(`${name}: expected a non-negative number, received ${v}`);
        return n;
      };
      const common: Omit<PeersOptions, 'budgetS'> = {
        quick,
        outDir,
        peers: peers as PeerName[],
        ortV8: v8,
        ortLimits,
        capture: !process.argv.includes('--no-capture'),
        ...(num('--peer-single') !== undefined ? { single: num('--peer-single')! } : {}),
        ...(num('--peer-pipelined') !== undefined ? { pipelined: num('--peer-pipelined')! } : {}),
        ...(num('--peer-rounds') !== undefined ? { rounds: num('--peer-rounds')! } : {}),
        ...(num('--warmup-s') !== undefined ? { warmupS: num('--warmup-s')! } : {}),
      };
      if (only === undefined || only === 'gemv') {
        const budgetS = num('--gemv-budget-s') ?? 600;
        console.log(`bench gemv: ${device.backend}; one-row dense, budget ${budgetS} s`);
        await benchGemv(adapter, device.backend, { ...common, budgetS });
        console.log(`bench: wrote ${path.join(outDir, 'gemv.json')} and gemv.md`);
      }
      if (only === undefined || only === 'peers') {
        console.log(`bench peers: ${device.backend}; ${quick ? 'quick' : 'full'} sizes, budget ${num('--budget-s') ?? 600} s`);
        await benchPeers(adapter, device.backend, { ...common, budgetS: num('--budget-s') ?? 600 });
        console.log(`bench: wrote ${path.join(outDir, 'peers.json')} and peers.md`);
      }
      if (only === undefined || only === 'models') {
        const size = quick ? 'small' : 'full';
        const budgetS = num('--models-budget-s') ?? 900;
        console.log(`bench models: ${device.backend}; ${size} models, budget ${budgetS} s`);
        const names = parseModelNames(arg('--whole-models') ?? MODEL_NAMES.join(','));
        await benchModels(adapter, device.backend, { ...common, budgetS, modelsDir: arg('--models-dir') ?? DEFAULT_MODELS_DIR, size, names });
        console.log(`bench: wrote ${path.join(outDir, 'models.json')} and models.md`);
      }
    }
  } finally {
    await adapter.dispose();
  }
}

async function benchAdapter(adapter: WebGpuAdapter, quick: boolean, outDir: string): Promise<void> {
  const device = adapter.device!;
  const sizes: Sizes = quick ? QUICK : FULL;
  const reps = Number(arg('--reps') ?? (quick ? 5 : 50));
  const warmup = quick ? 1 : 5;
  console.log(`bench: ${device.backend}; ${quick ? 'quick' : 'full'} sizes, ${reps} timed runs each`);

  const result: BenchResult = { date: new Date().toISOString(), device: device.backend, timestamps: device.timestamps, sizes: quick ? 'quick' : 'full', reps, blocks: [], memory: [] };
  const rounds = quick ? 1 : 5;
  const bench = async (name: string, shape: string, variants: Variant[], extra: Partial<BenchResult['blocks'][number]> = {}): Promise<void> => {
    const measurements = await measureAll(adapter, variants, reps, warmup, rounds);
    for (const m of measurements) console.log(`  ${name} ${m.variant}: ${m.dispatches} dispatches, gpu ${m.gpuMs?.toFixed(4) ?? '-'} ms, wall ${m.wallMs.toFixed(4)} ms`);
    result.blocks.push({ name, shape, measurements, ...extra });
  };
  const [n, c, h, w] = sizes.image;
  const img = `[${sizes.image.join(',')}] NCHW`;
  const resnet = block('resnet-basic', [n, c, h, w], 'NCHW', (b, x) => blocks.resnetBasicBlock(b, x, 'r', c, c));
  // Bring the GPU out of its idle clocks before anything is timed: memory-bound and compute-bound
  // work alternately, for --warmup-s seconds (default 8 on full sizes).
  {
    const warm = [residual([sizes.flat], 1, 1, 'none'), resnet];
    const plans = await Promise.all(warm.map((g) => adapter.compile(g.built.validated, g.built.weights)));
    const until = performance.now() + 1000 * Number(arg('--warmup-s') ?? (quick ? 0.2 : 8));
    while (performance.now() < until) for (let i = 0; i < plans.length; i++) await plans[i]!.time(warm[i]!.feeds, { reps: 20, warmup: 0 });
    for (const p of plans) await p.dispose();
  }

  const flat = [sizes.flat];
  await bench('residual add y = x + f', `[${sizes.flat}]`, [['fused', residual(flat, 1, 1, 'none'), true]], { bytesMoved: 3 * 4 * sizes.flat });
  await bench('residual y = relu(0.5x + 2f)', `[${sizes.flat}]`, [
    ['fused (one residual kernel)', residual(flat, 0.5, 2, 'relu'), true],
    ['decomposed, fusion off (mul, mul, add, relu)', residualDecomposed(flat, 0.5, 2, 'relu'), false],
    ['decomposed, fused by the compiler', residualDecomposed(flat, 0.5, 2, 'relu'), true],
  ]);
  await bench('highway T*h + (1-T)*x', `[${sizes.highway.join(',')}]`, [
    ['fused (one highway kernel)', highway([...sizes.highway], false), true],
    ['decomposed, fusion off (sigmoid, sub, mul, mul, add)', highway([...sizes.highway], true), false],
  ]);
  await bench('ResNet basic block', img, [
    ['fused', resnet, true],
    ['fusion off', resnet, false],
  ]);
  const se = block('se-residual', [n, c, h, w], 'NCHW', (b, x) => blocks.seResidualBlock(b, x, 'se', c, 16));
  await bench('SE residual block', img, [
    ['fused', se, true],
    ['fusion off', se, false],
  ]);
  const tr = sizes.transformer;
  const pre = block('transformer-pre-ln', [tr.batch, tr.tokens, tr.width], 'NTC', (b, x) => blocks.transformerBlock(b, x, 't', tr, 'pre'));
  await bench('transformer pre-LN block', `[${tr.batch},${tr.tokens},${tr.width}] NTC, ${tr.heads} heads`, [
    ['fused', pre, true],
    ['fusion off', pre, false],
  ]);

  const d = sizes.dense;
  const [dn, dc, dh, dw] = d.shape;
  const dense = block('densenet', [...d.shape], 'NCHW', (b, x) => blocks.denseBlock(b, x, 'd', dc, d.growth, d.layers));
  await bench('DenseNet block', `[${d.shape.join(',')}] NCHW, growth ${d.growth}, ${d.layers} layers`, [
    ['fused (default: batchNorm + relu stored, plain convolutions)', dense, true],
    ['fused with conv prologues (convPrologue: true, tiled convolutions)', dense, true, undefined, true],
    ['fusion off', dense, false],
  ]);
  const plane = dn * dh * dw * 4;
  const features = (dc + d.layers * d.growth) * plane;
  // A runtime that stores every concat output separately holds each concat_i as well as the maps.
  let materialized = features;
  for (let i = 1; i <= d.layers; i++) materialized += (dc + i * d.growth) * plane;
  for (const m of result.blocks[result.blocks.length - 1]!.measurements) {
    result.memory.push({ block: `DenseNet ${m.variant}`, arenaBytes: m.arenaBytes, featureBytes: features, ratio: m.arenaBytes / features, materializedConcatBytes: materialized });
  }
  // Convolution kernel variants on the same blocks (the defaults: direct for plain convolutions,
  // tiled for the DenseNet layers that read their own concat buffer through a fused prologue).
  const sweep = (g: BenchGraph, fusion: boolean, convPrologue: boolean): Variant[] =>
    (['never', 'always'] as const).flatMap((tiled) =>
      ([8, 4, 1] as const).map((o): Variant => [`${tiled === 'always' ? 'tiled' : 'direct'}, ${o} outputs/thread`, g, fusion, { tiled, outputsPerThread: o }, convPrologue]),
    );
  await bench('conv variants: ResNet basic block, fused', img, sweep(resnet, true, false));
  await bench('conv variants: DenseNet block, fused with conv prologues', `[${d.shape.join(',')}] NCHW`, sweep(dense, true, true));
  // Input channels the tiled kernel stages between two barriers (1 was the only choice before).
  await bench('conv variants: DenseNet block, channels staged per barrier', `[${d.shape.join(',')}] NCHW`, [
    ...([8, 4, 1] as const).map((cps): Variant => [`fused with conv prologues, tiled, ${cps} channels per stage`, dense, true, { channelsPerStage: cps }, true]),
    ['fusion off', dense, false],
  ]);

  // The first two blocks again: how far apart two measurements of one thing are in this run.
  await bench('residual add y = x + f (again, at the end)', `[${sizes.flat}]`, [['fused', residual(flat, 1, 1, 'none'), true]], { bytesMoved: 3 * 4 * sizes.flat });
  await bench('ResNet basic block (again, at the end)', img, [
    ['fused', resnet, true],
    ['fusion off', resnet, false],
  ]);

  const stats = adapter.stats();
  result.peakGpuBytes = stats.peakBytes;

  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'webgpu.json'), `${JSON.stringify(result, null, 2)}\n`);
  fs.writeFileSync(path.join(outDir, 'webgpu.md'), renderMarkdown(result));
  console.log(`bench: wrote ${path.join(outDir, 'webgpu.json')} and webgpu.md`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});

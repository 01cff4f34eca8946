/**
 * The peers benchmark: adapter `webgpu` against `tfjs:webgpu` and `ort-web:webgpu` on the same
 * blocks and the same inputs, in one bench run. Each peer owns its Dawn device in a child process
 * of its own (tfjs-child.ts, ort-child.ts; this adapter's device lives in its worker thread, so the
 * three never share a thread). Inputs are uploaded to every engine before anything is timed; the
 * engines are then timed in rounds, one after another in a rotating order, so a GPU changing clocks
 * during the run hits them alike.
 *
 * What is timed, per engine, is in ENGINES below and in docs/benchmarks.md. Results are written
 * after every round (bench-results/peers.json and peers.md), so a run cut short keeps what it had.
 *
 * A time budget (--budget-s) bounds the whole section: each block gets an equal share of what is
 * left, and rounds after the first stop when the next would not fit in it. Compiling and the first
 * round (one single run and one back-to-back batch of at least 2 runs per engine) are bounded by the
 * section's budget alone, so every block that starts gets at least one timed sample of every
 * engine; time a block takes beyond its share comes out of the later blocks' shares. A peer that
 * does not answer before the section's budget ends (plus 5 s) is killed and reported as failed.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { WebGpuAdapter, WebGpuCompileOptions, WebGpuCompiledGraph } from '@skipconn/webgpu';
import { block, blocks, residual, type BenchGraph } from '../graphs';
import { checkOutput, piecesOf, type CompileReply, type InitReply, type OutputCheck, type PeerReply, type PeerRequest } from './protocol';
import { median, ratios, renderPeersMarkdown, type BlockResult, type EngineRun, type PeersResult } from './report';

export type PeerName = 'tfjs' | 'ort';

export interface PeersOptions {
  readonly quick: boolean;
  readonly outDir: string;
  /** Seconds for the whole section, peer start-up included. */
  readonly budgetS: number;
  readonly peers: readonly PeerName[];
  /** ort-web's child: 'liftoff' (--liftoff-only, as the adapter's host runs) or V8's default tiers. */
  readonly ortV8: 'liftoff' | 'default';
  /**
   * The device onnxruntime-web gets: 'adapter' (default) with the adapter's
   * maxStorageBuffersPerShaderStage, as this adapter requests for itself; 'default' as
   * onnxruntime-web requests it alone (WebGPU's default of 8). See ort-child.ts.
   */
  readonly ortLimits?: 'adapter' | 'default';
  /** Also time onnxruntime-web with graph capture. */
  readonly capture: boolean;
  /** Single-run samples per engine per round, back-to-back runs per round, rounds per block. */
  readonly single?: number;
  readonly pipelined?: number;
  readonly rounds?: number;
  /** Seconds of this adapter's runs before the first block is timed (GPU clocks). */
  readonly warmupS?: number;
  /**
   * More configurations of this adapter, timed beside the default in the same rounds (engine
   * 'webgpu', compared with the default like a peer).
   */
  readonly oursVariants?: readonly { readonly variant: string; readonly options: WebGpuCompileOptions }[];
}

/** Peer-benchmark sizes: the issue's 16M-element residual add and a ResNet stage-1 block. */
export const PEER_SIZES = {
  full: { flat: 16 * 1024 * 1024, image: [1, 64, 56, 56] as const },
  quick: { flat: 4 * 1024 * 1024, image: [1, 16, 28, 28] as const },
};

const TIMED = {
  webgpu:
    "one run: encoding the run's command buffer, submit and queue.onSubmittedWorkDone(), timed inside the adapter's worker, runs one after another on inputs uploaded once per round (untimed, followed by one untimed run); back to back: N runs encoded into one command buffer (before the clock starts), one submit, one wait",
  tfjs: "one run: tf.tidy(the tfjs:webgpu adapter's compiled program) on tensors already on the GPU, disposing its outputs, flushing tfjs's command encoder, queue.onSubmittedWorkDone(); back to back: N programs, one flush (tfjs also submits every 15 dispatches), one wait",
  ort: 'one run: await session.run(feeds = GPU tensors, fetch = a preallocated GPU tensor) (onnxruntime records and submits before it resolves), then queue.onSubmittedWorkDone(); back to back: N awaited session.run calls, one wait',
  capture: 'as session.run, on a session with enableGraphCapture (the first run records, later runs replay the command list)',
};

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
type Body = WithoutId<PeerRequest>;

const TAIL_LINES = 30;
const ECHO_LINES = 12;

/** One peer's child process and its request channel. */
class PeerProcess {
  private proc: ChildProcess | undefined;
  private seq = 0;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void; timer: NodeJS.Timeout }>();
  private readonly tail: string[] = [];
  private echoed = 0;
  backend = '';
  dead: string | undefined;

  constructor(
    readonly name: PeerName,
    private readonly file: string,
    private readonly execArgv: readonly string[],
    private readonly args: readonly string[] = [],
  ) {}

  start(): void {
    const proc = fork(this.file, [...this.args], { execArgv: [...this.execArgv], serialization: 'advanced', stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    this.proc = proc;
    const onText = (chunk: string): void => {
      for (const line of chunk.split('\n')) {
        if (line.trim() === '' || /XDG_RUNTIME_DIR|^=+$|TensorFlow\.js in Node\.js/.test(line)) continue;
        this.tail.push(line);
        if (this.echoed++ < ECHO_LINES) console.log(`  [${this.name}] ${line.slice(0, 200)}`);
      }
      this.tail.splice(0, Math.max(0, this.tail.length - TAIL_LINES));
    };
    proc.stdout?.setEncoding('utf8').on('data', onText);
    proc.stderr?.setEncoding('utf8').on('data', onText);
    proc.on('message', (reply: PeerReply) => {
      const p = this.pending.get(reply.id);
      if (p === undefined) return;
      this.pending.delete(reply.id);
      clearTimeout(p.timer);
      if (reply.ok) p.resolve(reply.value);
      else p.reject(new Error(reply.error));
    });
    proc.on('exit', (code, signal) => this.fail(`its process ended (${signal ?? `code ${code}`}); last output: ${this.tail.slice(-6).join(' / ') || 'none'}`));
    proc.on('error', (err) => this.fail(`its process failed: ${err.message}`));
  }

  call<T>(body: Body, timeoutMs: number): Promise<T> {
    if (this.dead !== undefined) return Promise.reject(new Error(`${this.name}: ${this.dead}`));
    const id = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => this.fail(`no reply to '${body.op}' within ${(timeoutMs / 1000).toFixed(0)} s (killed)`), Math.max(1000, timeoutMs));
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.proc!.send({ ...body, id } as PeerRequest);
    });
  }

  private fail(why: string): void {
    if (this.dead === undefined) this.dead = why;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new Error(`${this.name}: ${why}`));
      this.pending.delete(id);
    }
    if (this.proc !== undefined && this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGKILL');
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    if (proc === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
    this.dead ??= 'stopped';
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    if (proc.connected) proc.disconnect();
    // A child still draining V8 compile jobs (the JSEP wasm) may take long to exit: do not wait.
    const timer = setTimeout(() => proc.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(timer);
  }
}

/** Starts a peer's child: the bundled script beside this bundle on a GPU machine, the TypeScript source through tsx here. */
function peerProcess(name: PeerName, opts: Pick<PeersOptions, 'ortV8' | 'ortLimits'>): PeerProcess {
  const bundled = !__filename.endsWith('.ts');
  const file = bundled ? path.join(__dirname, `peer-${name}.js`) : path.join(__dirname, `${name}-child.ts`);
  const v8 = name === 'ort' && opts.ortV8 === 'liftoff' ? ['--liftoff-only'] : [];
  const args = name === 'ort' ? [`--storage-buffers=${opts.ortLimits ?? 'adapter'}`] : [];
  return new PeerProcess(name, file, [...v8, ...(bundled ? [] : ['--require', require.resolve('tsx/cjs')])], args);
}

/** One engine configuration on one block. */
interface Slot {
  readonly run: EngineRun;
  compile(): Promise<void>;
  check(): Promise<OutputCheck>;
  single(reps: number, maxMs: number): Promise<{ wall: number[]; gpu: number[] }>;
  pipelined(reps: number): Promise<{ wall: number; gpu: number[] }>;
  release(): Promise<void>;
}

function emptyRun(engine: string, variant: string): EngineRun {
  return { engine, variant, info: {}, single: [], pipelined: [], pipelinedRuns: [], gpu: [] };
}

const OURS_DEFAULT = 'compiled, fused (default)';

function oursSlot(adapter: WebGpuAdapter, g: BenchGraph, variant = OURS_DEFAULT, options: WebGpuCompileOptions = {}): Slot {
  let compiled: WebGpuCompiledGraph | undefined;
  const run = emptyRun('webgpu', variant);
  const need = (): WebGpuCompiledGraph => {
    if (compiled === undefined) throw new Error('not compiled');
    return compiled;
  };
  return {
    run,
    async compile() {
      compiled = await adapter.compile(g.built.validated, g.built.weights, options);
      run.info = { dispatches: compiled.report.dispatches, kernels: compiled.report.kernels.map((k) => k.label).join(' '), weightBytes: compiled.report.constantBytes };
    },
    async check() {
      const out = await need().run(g.feeds);
      const y = out[g.built.validated.graph.outputs[0]!]!.data as Float32Array;
      return checkOutput(y.length, piecesOf(y));
    },
    async single(reps, maxMs) {
      const t = await need().time(g.feeds, { reps: 0, warmup: 1, single: reps, singleMaxMs: maxMs });
      return { wall: [...t.singleMs], gpu: [] };
    },
    async pipelined(reps) {
      const t = await need().time(g.feeds, { reps, warmup: 0 });
      return { wall: t.wallMs, gpu: t.gpuMs === null ? [] : [...t.gpuMs] };
    },
    async release() {
      await compiled?.dispose();
      compiled = undefined;
    },
  };
}

function peerSlot(peer: PeerProcess, engine: string, variant: string, handle: string, g: BenchGraph, inputs: Record<string, string>, timeout: () => number): Slot {
  const run = emptyRun(engine, variant);
  return {
    run,
    async compile() {
      const reply = await peer.call<CompileReply>({ op: 'compile', handle, variant, graph: g.built.graph, weights: [...g.built.weights], inputs }, timeout());
      run.info = { ...reply.info };
    },
    check: () => peer.call<OutputCheck>({ op: 'check', handle }, timeout()),
    async single(reps, maxMs) {
      return { wall: await peer.call<number[]>({ op: 'single', handle, reps, maxMs }, timeout()), gpu: [] };
    },
    async pipelined(reps) {
      return { wall: await peer.call<number>({ op: 'pipelined', handle, reps }, timeout()), gpu: [] };
    },
    async release() {
      if (peer.dead === undefined) await peer.call({ op: 'release', handle }, timeout());
    },
  };
}

/** Compares a peer's output with this adapter's: atol 1e-4 + rtol 1e-3 on 256 samples, and the sums. */
function compare(ours: OutputCheck, peer: OutputCheck): { matches: boolean; detail: string } {
  if (ours.count !== peer.count) return { matches: false, detail: `${peer.count} elements, expected ${ours.count}` };
  let maxAbs = 0;
  let bad = 0;
  ours.samples.forEach((a, i) => {
    const b = peer.samples[i]!;
    const d = Math.abs(a - b);
    if (Number.isNaN(a) !== Number.isNaN(b) || d > 1e-4 + 1e-3 * Math.abs(a)) bad++;
    if (Number.isFinite(d)) maxAbs = Math.max(maxAbs, d);
  });
  const sumRel = Math.abs(ours.sum - peer.sum) / Math.max(ours.sumAbs, 1e-30);
  const matches = bad === 0 && sumRel <= 1e-4 && ours.nonFinite === peer.nonFinite;
  return { matches, detail: `max abs diff ${maxAbs.toExponential(1)} over ${ours.samples.length} samples${bad > 0 ? ` (${bad} out of tolerance)` : ''}, sum rel diff ${sumRel.toExponential(1)}` };
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** One block (or whole model) of a peers-style section: built once, every engine gets the same graph and inputs. */
export interface PeerBlock {
  readonly name: string;
  readonly shape: string;
  /** Builds the graph and its inputs; an error skips the block and says why. */
  make(): BenchGraph | Promise<BenchGraph>;
}

/** Where a peers-style section writes: `<outDir>/<section>.{json,md}`. */
export type PeerSection = PeersResult['section'];

/** The three blocks of the `peers` section at full or quick sizes. */
export function peerBlocks(quick: boolean): PeerBlock[] {
  const sizes = quick ? PEER_SIZES.quick : PEER_SIZES.full;
  const [n, c, h, w] = sizes.image;
  const flat = [sizes.flat];
  return [
    { name: 'residual add y = x + f', shape: `[${sizes.flat}]`, make: () => residual(flat, 1, 1, 'none') },
    { name: 'fused residual y = relu(0.5x + 2f)', shape: `[${sizes.flat}]`, make: () => residual(flat, 0.5, 2, 'relu') },
    { name: 'ResNet basic block', shape: `[${sizes.image.join(',')}] NCHW`, make: () => block('resnet-basic', [n, c, h, w], 'NCHW', (b, x) => blocks.resnetBasicBlock(b, x, 'r', c, c)) },
  ];
}

export function benchPeers(adapter: WebGpuAdapter, device: string, opts: PeersOptions): Promise<PeersResult> {
  return benchPeerBlocks(adapter, device, opts, 'peers', peerBlocks(opts.quick));
}

/**
 * Times `defs` on this adapter and the peers (see the file comment); used by the `peers` section
 * (blocks) and the `models` section (whole models, models/run.ts). A peer whose process died on
 * one block is started again before the next, while the budget lasts.
 */
export async function benchPeerBlocks(adapter: WebGpuAdapter, device: string, opts: PeersOptions, section: PeerSection, defs: readonly PeerBlock[]): Promise<PeersResult> {
  const t0 = performance.now();
  const deadline = t0 + opts.budgetS * 1000;
  const left = (): number => deadline - performance.now();
  /** Longest wait for one peer request: what is left of the budget, plus a little. */
  const timeout = (): number => Math.max(5000, left() + 5000);
  const quick = opts.quick;
  const S = opts.single ?? (quick ? 5 : 20);
  const K = opts.pipelined ?? (quick ? 10 : 50);
  const R = opts.rounds ?? (quick ? 3 : 5);

  const result: PeersResult = { section, date: new Date().toISOString(), device, sizes: quick ? 'quick' : 'full', budgetS: opts.budgetS, elapsedS: 0, complete: false, engines: [], blocks: [] };
  const write = (): void => {
    result.elapsedS = (performance.now() - t0) / 1000;
    fs.mkdirSync(opts.outDir, { recursive: true });
    fs.writeFileSync(path.join(opts.outDir, `${section}.json`), `${JSON.stringify(result, null, 2)}\n`);
    fs.writeFileSync(path.join(opts.outDir, `${section}.md`), renderPeersMarkdown(result));
  };

  const startPeer = async (name: PeerName): Promise<PeerProcess> => {
    const p = peerProcess(name, opts);
    p.start();
    try {
      p.backend = (await p.call<InitReply>({ op: 'init' }, Math.min(120_000, Math.max(5000, left())))).backend;
      console.log(`${section}: ${p.name}: ${p.backend}`);
    } catch (err) {
      console.log(`${section}: ${p.name} unavailable: ${errorText(err)}`);
    }
    return p;
  };
  const procs = await Promise.all(opts.peers.map(startPeer));
  try {
    result.engines.push({ engine: 'webgpu', variant: OURS_DEFAULT, where: "this process, device in the adapter's worker thread", backend: device, timed: TIMED.webgpu });
    for (const v of opts.oursVariants ?? []) result.engines.push({ engine: 'webgpu', variant: v.variant, where: "this process, device in the adapter's worker thread", backend: device, timed: TIMED.webgpu });
    for (const p of procs) {
      const backend = p.dead === undefined ? p.backend : `unavailable: ${p.dead}`;
      if (p.name === 'tfjs') result.engines.push({ engine: 'tfjs:webgpu', variant: 'compiled program', where: 'child process', backend, timed: TIMED.tfjs });
      else {
        result.engines.push({ engine: 'ort-web:webgpu', variant: 'session.run', where: 'child process', backend, timed: TIMED.ort });
        if (opts.capture) result.engines.push({ engine: 'ort-web:webgpu', variant: 'graph capture', where: 'child process', backend, timed: TIMED.capture });
      }
    }
    write();

    let warm = false;
    for (let bi = 0; bi < defs.length; bi++) {
      const def = defs[bi]!;
      const blockStart = performance.now();
      const res: BlockResult = { name: def.name, shape: def.shape, runs: [], rounds: 0, seconds: 0 };
      result.blocks.push(res);
      if (left() < 3000) {
        res.skipped = 'the time budget ran out before this block';
        write();
        continue;
      }
      const blockEnd = blockStart + left() / (defs.length - bi);
      // A peer that crashed on an earlier block gets a fresh process (an init within the budget).
      for (let i = 0; i < procs.length; i++) {
        const p = procs[i]!;
        if (p.dead !== undefined && p.backend !== '' && left() > 15_000) {
          console.log(`${section}: restarting ${p.name} (${p.dead})`);
          await p.stop();
          procs[i] = await startPeer(p.name);
        }
      }
      let g: BenchGraph;
      try {
        g = await def.make();
      } catch (err) {
        res.skipped = `could not be built: ${errorText(err)}`;
        console.log(`${section}: ${def.name}: ${res.skipped}`);
        write();
        continue;
      }
      const slots: Slot[] = [oursSlot(adapter, g), ...(opts.oursVariants ?? []).map((v) => oursSlot(adapter, g, v.variant, v.options))];
      /** The slots of each process (this adapter's configurations, each peer's): one process compiles one graph at a time. */
      const groups: Slot[][] = [[...slots]];
      const live = procs.filter((p) => p.dead === undefined);
      // Inputs to every peer first (4 MiB slices: see child.ts), then compile and check everything.
      const inputKeys: Record<string, Record<string, string>> = {};
      for (const p of live) {
        inputKeys[p.name] = {};
        try {
          for (const input of g.built.validated.graph.inputs) {
            const key = `${bi}/${input.name}`;
            const t = g.feeds[input.name]!;
            const data = t.data as Float32Array;
            for (let o = 0; o < data.length; o += 1 << 20) await p.call({ op: 'input', key, shape: t.shape, offset: o, data: data.slice(o, o + (1 << 20)) }, timeout());
            inputKeys[p.name]![input.name] = key;
          }
        } catch (err) {
          console.log(`${section}: ${p.name}: upload failed: ${errorText(err)}`);
        }
        const variants = p.name === 'tfjs' ? [['tfjs:webgpu', 'compiled program']] : [['ort-web:webgpu', 'session.run'], ...(opts.capture ? [['ort-web:webgpu', 'graph capture']] : [])];
        const group = variants.map(([engine, variant]) => peerSlot(p, engine!, variant!, `${bi}/${variant}`, g, inputKeys[p.name]!, timeout));
        slots.push(...group);
        groups.push(group);
      }
      res.runs.push(...slots.map((s) => s.run));
      // Nothing is timed while compiling, so the processes compile at the same time (each its own
      // slots in turn). Neither the compiles nor the first round below are cut by the block's
      // share, only by the section's budget: on a software adapter a peer's compile of a whole
      // model (its first run creating every pipeline) can take minutes, and a block without one
      // timed round of every engine is not a comparison.
      const checks = new Map<Slot, OutputCheck>();
      const compileSlot = async (s: Slot): Promise<void> => {
        if (left() <= 0) {
          s.run.error = 'the time budget ran out before it was compiled';
          return;
        }
        try {
          const c0 = performance.now();
          await s.compile();
          s.run.compileS = (performance.now() - c0) / 1000;
          const c1 = performance.now();
          checks.set(s, await s.check());
          s.run.checkS = (performance.now() - c1) / 1000;
        } catch (err) {
          s.run.error = errorText(err);
          console.log(`${section}: ${def.name}: ${s.run.engine} (${s.run.variant}) failed: ${s.run.error}`);
        }
      };
      await Promise.all(
        groups.map(async (group) => {
          for (const s of group) await compileSlot(s);
        }),
      );
      // The first configuration of this adapter that ran is what every other run is compared with.
      const referenceSlot = slots.find((s) => s.run.engine === 'webgpu' && checks.has(s));
      const reference = referenceSlot === undefined ? undefined : checks.get(referenceSlot);
      for (const s of slots) {
        const check = checks.get(s);
        if (s !== referenceSlot && reference !== undefined && check !== undefined) s.run.check = compare(reference, check);
      }
      const ok = slots.filter((s) => checks.has(s));
      write();
      if (!warm && (opts.warmupS ?? (quick ? 0 : 3)) > 0 && ok[0]?.run.engine === 'webgpu') {
        const until = performance.now() + 1000 * (opts.warmupS ?? 3);
        // About 0.3 s of runs per call: each call uploads the inputs first, leaving the GPU idle meanwhile.
        let reps = 2;
        while (performance.now() < until && left() > 0) {
          const per = (await ok[0].pipelined(reps)).wall;
          reps = Math.max(2, Math.min(1000, Math.floor(300 / Math.max(per, 1e-3))));
        }
      }
      warm = true;

      let lastRound = 0;
      for (let round = 0; round < R; round++) {
        const now = performance.now();
        const active = ok.filter((s) => s.run.error === undefined && s.run.stopped === undefined);
        if (active.length === 0 || left() <= 0) break;
        // The first round always runs (one single run and one back-to-back pair at least, per engine).
        if (round > 0 && (now + lastRound > blockEnd || lastRound > left())) break;
        const perSlot = Math.max(0, (Math.min(blockEnd, deadline) - now) / (R - round)) / active.length;
        for (let i = 0; i < active.length; i++) {
          const s = active[(i + round) % active.length]!;
          try {
            const one = await s.single(S, 0.6 * perSlot);
            s.run.single.push(...one.wall);
            s.run.gpu.push(...one.gpu);
            const m = median(one.wall) ?? 1;
            const k = Math.max(2, Math.min(K, Math.floor((0.4 * perSlot) / Math.max(m, 1e-3))));
            const many = await s.pipelined(k);
            s.run.pipelined.push(many.wall);
            s.run.pipelinedRuns.push(k);
            s.run.gpu.push(...many.gpu);
          } catch (err) {
            // A failure after complete rounds (a kill at the budget's end, mostly) ends this
            // engine's runs but does not void the samples it has.
            if (s.run.single.length > 0 && s.run.pipelined.length > 0) s.run.stopped = `stopped in round ${round + 1}: ${errorText(err)}`;
            else s.run.error = errorText(err);
            console.log(`${section}: ${def.name}: ${s.run.engine} (${s.run.variant}) failed: ${errorText(err)}`);
          }
        }
        res.rounds = round + 1;
        res.seconds = (performance.now() - blockStart) / 1000;
        lastRound = performance.now() - now;
        write();
      }
      for (const s of slots) await s.release().catch(() => undefined);
      for (const p of live) {
        const keys = Object.values(inputKeys[p.name] ?? {});
        if (keys.length > 0 && p.dead === undefined) await p.call({ op: 'freeInputs', keys }, timeout()).catch(() => undefined);
      }
      res.seconds = (performance.now() - blockStart) / 1000;
      if (res.rounds === 0 && res.skipped === undefined) res.skipped = 'no round fitted in the time budget';
      write();
      printBlock(section, res);
    }
    result.complete = result.blocks.every((b) => b.skipped === undefined && b.runs.every((r) => r.error === undefined && r.stopped === undefined));
    write();
    return result;
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
  }
}

function printBlock(section: PeerSection, b: BlockResult): void {
  const ours = b.runs.find((r) => r.engine === 'webgpu');
  const f = (v: number | null): string => (v === null ? '-' : v.toFixed(v < 1 ? 4 : 2));
  const parts = [`webgpu ${f(median(ours?.single ?? []))} ms (gpu ${f(median(ours?.gpu ?? []))}, back to back ${f(median(ours?.pipelined ?? []))})`];
  for (const q of ratios(b)) {
    const r = b.runs.find((x) => x.engine === q.engine && x.variant === q.variant)!;
    if (r.error !== undefined) parts.push(`${q.engine} ${q.variant}: failed`);
    else
      parts.push(
        `${q.engine} ${q.variant} ${f(median(r.single))} ms = ${q.single?.toFixed(1) ?? '-'}x (back to back ${f(median(r.pipelined))} = ${q.pipelined?.toFixed(1) ?? '-'}x)${r.check && !r.check.matches ? ' OUTPUT DIFFERS' : ''}`,
      );
  }
  console.log(`${section}: ${b.name} ${b.shape}, ${b.rounds} rounds: ${parts.join(' | ')}`);
}

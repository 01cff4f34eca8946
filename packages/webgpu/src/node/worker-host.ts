/**
 * Node: the engine in a dedicated worker thread that owns the Dawn device. The main thread only
 * posts messages, so it may block for as long as it likes (a reference evaluator, a test filling
 * a big Float32Array) without stalling the thread Dawn needs to keep responsive.
 *
 * The worker is unref'd while idle and ref'd while a request is pending, so a pending GPU request
 * keeps the process alive and an idle adapter never holds jest or a CLI open. dispose() asks the
 * worker to destroy the device, then terminates it.
 */
import { SHARE_ENV, Worker } from 'node:worker_threads';
import type { ResourceCounts, ValidatedGraph, WeightStore } from '@skipconn/core';
import { SkipconnError, decodeError } from '@skipconn/core';
import { entryFile, type EntryFile } from '@skipconn/core/node';
import type { CompileSettings, EngineData, EngineInfo, EngineTensor, PlanReport } from '../engine/engine';
import type { EngineStats, Host, TimeOptions, TimeResult } from '../host/types';
import type { Reply, ReplyEnvelope, Request, WireTensor } from './protocol';
import { mark, type RunMarks } from '../engine/run-trace';

export class WorkerHost implements Host {
  private worker: Worker | undefined;
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void; marks?: RunMarks }>();
  private lastCounts: ResourceCounts = {};
  private lastStats: EngineStats = { peakBytes: 0, pipelines: 0 };
  private exited: Error | undefined;
  /**
   * Per compiled graph, feed buffers its last runs handed back: the next run copies its feeds
   * into them instead of into fresh ones, whose pages fault in on every run (two 4 MiB feeds on
   * a 2-core machine: 2.7 ms fresh, 1.7 to 2.0 ms reused). At most one set per graph, dropped when
   * the graph is released.
   */
  private readonly spareFeeds = new Map<number, ArrayBuffer[]>();

  constructor(
    private readonly checkKeys = false,
    private readonly pacedWaits = true,
  ) {}

  async init(): Promise<EngineInfo> {
    // SHARE_ENV: the worker's process.env is the real environment, so an ICD it selects reaches
    // the Vulkan loader (a worker's own env copy, or jest's sandboxed process.env, would not).
    let entry: EntryFile;
    try {
      entry = entryFile(__dirname, 'worker');
    } catch (err) {
      throw new SkipconnError('ADAPTER_UNAVAILABLE', `webgpu: the worker hosting the GPU device cannot start: ${err instanceof Error ? err.message : String(err)}`);
    }
    // SHARE_ENV: the worker sees this process's environment itself, so set what the entry needs here.
    for (const [key, value] of Object.entries(entry.env)) process.env[key] ??= value;
    const worker = new Worker(entry.file, { env: SHARE_ENV, execArgv: [...entry.execArgv] });
    this.worker = worker;
    worker.unref();
    worker.on('message', (env: ReplyEnvelope) => this.onReply(env));
    worker.on('error', (err) => this.fail(new SkipconnError('ADAPTER_UNAVAILABLE', `webgpu: the worker hosting the GPU device failed: ${err.message}`)));
    worker.on('exit', (code) => this.fail(new SkipconnError('ADAPTER_UNAVAILABLE', `webgpu: the worker hosting the GPU device exited (code ${code}); dispose this adapter and create a new one`)));
    const reply = await this.request({ type: 'init', checkKeys: this.checkKeys, pacedWaits: this.pacedWaits });
    if (reply.type !== 'init') throw new Error('internal: unexpected reply to init');
    return reply.info;
  }

  async compile(vg: ValidatedGraph, weights: WeightStore, settings: CompileSettings): Promise<{ id: number; report: PlanReport }> {
    const list: WireTensor[] = [];
    for (const name of vg.weightNames) {
      const w = weights.get(name);
      if (w === undefined) throw new SkipconnError('INPUT_INVALID', `weight '${name}' is missing from the weight store`);
      if (w.dtype !== 'float32' && w.dtype !== 'int32') throw new SkipconnError('UNSUPPORTED', `webgpu: weight '${name}' is ${w.dtype}; the worker takes float32 and int32 weights (float16 is decoded before)`);
      list.push({ name, shape: w.shape, data: copyOut(w.data as EngineData), int32: w.dtype === 'int32' });
    }
    const reply = await this.request(
      { type: 'compile', graph: vg.graph, weights: list, settings },
      list.map((t) => t.data),
    );
    if (reply.type !== 'compile') throw new Error('internal: unexpected reply to compile');
    return { id: reply.id, report: reply.report };
  }

  async run(id: number, feeds: ReadonlyMap<string, EngineData>, marks?: RunMarks): Promise<Map<string, EngineTensor>> {
    let spare = this.spareFeeds.get(id);
    if (spare === undefined) this.spareFeeds.set(id, (spare = []));
    const list = [...feeds].map(([name, data]): WireTensor => ({ name, shape: [data.length], data: copyInto(takeSpare(spare, data.byteLength), data), int32: data instanceof Int32Array }));
    const reply = await this.request(
      { type: 'run', id, feeds: list, trace: marks !== undefined },
      list.map((t) => t.data),
      marks,
    );
    if (reply.type !== 'run') throw new Error('internal: unexpected reply to run');
    if (marks !== undefined && reply.marks !== undefined) Object.assign(marks, reply.marks);
    // A graph released meanwhile has no pool any more: its buffers are dropped.
    const pool = this.spareFeeds.get(id);
    if (pool !== undefined) for (const b of reply.spent) if (pool.length < feeds.size) pool.push(b);
    return new Map(reply.outputs.map((o) => [o.name, { shape: o.shape, data: o.int32 ? new Int32Array(o.data) : new Float32Array(o.data) }]));
  }

  async time(id: number, feeds: ReadonlyMap<string, EngineData>, options: TimeOptions): Promise<TimeResult> {
    const list = wire(feeds);
    const reply = await this.request(
      { type: 'time', id, feeds: list, options },
      list.map((t) => t.data),
    );
    if (reply.type !== 'time') throw new Error('internal: unexpected reply to time');
    return reply.result;
  }

  async release(id: number): Promise<void> {
    this.spareFeeds.delete(id);
    if (this.worker === undefined || this.exited !== undefined) return;
    await this.request({ type: 'release', id });
  }

  counts(): ResourceCounts {
    return this.lastCounts;
  }

  stats(): EngineStats {
    return this.lastStats;
  }

  async loseDevice(): Promise<void> {
    await this.request({ type: 'lose-device' });
  }

  async dispose(): Promise<void> {
    const worker = this.worker;
    if (worker === undefined) return;
    if (this.exited === undefined) {
      await Promise.race([this.request({ type: 'shutdown' }).catch(() => undefined), new Promise((r) => setTimeout(r, 5000).unref())]);
    }
    this.worker = undefined;
    this.exited ??= new SkipconnError('USAGE', 'webgpu: the adapter was disposed');
    await worker.terminate();
    this.lastCounts = {};
    this.spareFeeds.clear();
  }

  /** `marks` (a traced run): gets 'posting' just before the message is posted and 'replied' when the reply arrives. */
  private request(body: Request, transfer: ArrayBuffer[] = [], marks?: RunMarks): Promise<Reply> {
    const worker = this.worker;
    if (worker === undefined) return Promise.reject(new SkipconnError('USAGE', 'webgpu: adapter used before init() or after dispose()'));
    if (this.exited !== undefined) return Promise.reject(this.exited);
    const seq = ++this.seq;
    return new Promise<Reply>((resolve, reject) => {
      this.pending.set(seq, { resolve, reject, ...(marks ? { marks } : {}) });
      if (this.pending.size === 1) worker.ref();
      mark(marks, 'posting');
      worker.postMessage({ seq, body }, transfer);
    });
  }

  private onReply(env: ReplyEnvelope): void {
    this.lastCounts = env.counts;
    this.lastStats = env.stats;
    const p = this.pending.get(env.seq);
    if (p === undefined) return;
    mark(p.marks, 'replied');
    this.settle(env.seq);
    if (env.error !== undefined) p.reject(decodeError(env.error, { origin: 'webgpu worker' }));
    else p.resolve(env.ok!);
  }

  private settle(seq: number): void {
    this.pending.delete(seq);
    if (this.pending.size === 0) this.worker?.unref();
  }

  private fail(err: Error): void {
    this.exited ??= err;
    for (const [seq, p] of [...this.pending]) {
      this.settle(seq);
      p.reject(err);
    }
  }
}

/** A copy of the data in its own ArrayBuffer, so transferring it never detaches the caller's array. */
function copyOut(data: EngineData): ArrayBuffer {
  return data.slice().buffer as ArrayBuffer;
}

/** Removes and returns a spare buffer of `bytes` bytes, or a new one. */
function takeSpare(spare: ArrayBuffer[], bytes: number): ArrayBuffer {
  const i = spare.findIndex((b) => b.byteLength === bytes);
  return i < 0 ? new ArrayBuffer(bytes) : spare.splice(i, 1)[0]!;
}

/** `data` copied into `buffer` (of its byte length), so transferring it never detaches the caller's array. */
function copyInto(buffer: ArrayBuffer, data: EngineData): ArrayBuffer {
  // Bytes, not values: an int32 feed must not pass through float32.
  new Uint8Array(buffer).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return buffer;
}

function wire(feeds: ReadonlyMap<string, EngineData>): WireTensor[] {
  return [...feeds].map(([name, data]) => ({ name, shape: [data.length], data: copyOut(data), int32: data instanceof Int32Array }));
}

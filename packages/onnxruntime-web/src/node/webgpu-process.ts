/**
 * ort-web:webgpu in Node: a proxy adapter whose runtime lives in one long-lived child process
 * (webgpu-host.ts), started by init() and ended by dispose(). A process of its own because:
 *  - the JSEP wasm must run with V8's --liftoff-only (the exit-delay cause; see webgpu-host.ts),
 *    a process-wide flag we do not impose on the caller's process;
 *  - Dawn aborts when the thread owning its device blocks for ~20 ms or more (runtimes.md), which
 *    jest, the CLI and user code do all the time; the host's thread does nothing but this work;
 *  - a crash in Dawn or the Vulkan driver fails the case instead of killing the caller.
 * Feeds are checked here, so a wrong input never crosses the process boundary.
 */
import { fork, type ChildProcess } from 'child_process';
import { createRequire } from 'module';
import { AdapterUnavailableError, SkipconnError, checkFeeds, tableWhyUnsupported, decodeError, type Adapter, type CompiledGraph, type HostTensor, type ResourceCounts } from '@skipconn/core';
import { entryFile, selectSwiftShader, type EntryFile } from '@skipconn/core/node';
import { EXPORTERS } from '@skipconn/onnx';
import { ORT_WEB_DTYPES, ORT_WEB_WEBGPU, type OrtWebSessionOptions } from '../adapter';
import { DAWN_FIX } from './dawn';
import { IPC_BATCH_BYTES, IPC_MAX_WEIGHT_BYTES, type CompileReply, type HostReply, type HostRequest } from './protocol';

export interface OrtWebGpuProcessOptions extends OrtWebSessionOptions {
  readonly name?: string;
  /** Longest wait for the host to start and prove WebGPU works (default 120 s). */
  readonly initTimeoutMs?: number;
  /** Weight bytes per IPC message to the host (default IPC_BATCH_BYTES; small values are for tests). */
  readonly ipcBatchBytes?: number;
}

type Pending = { resolve(value: unknown): void; reject(err: Error): void };
type WeightEntry = readonly [string, HostTensor];

/**
 * The weights in groups of at most `maxBytes` of data each, in their order; a weight larger
 * than `maxBytes` travels alone. A weight whose data is a view into a larger buffer is copied
 * out, since structured clone sends a view's whole buffer. Refuses a weight that no IPC message
 * can carry, naming it, its bytes and the limit.
 */
export function weightBatches(weights: Iterable<WeightEntry>, maxBytes: number, name = ORT_WEB_WEBGPU): WeightEntry[][] {
  const batches: WeightEntry[][] = [];
  let current: WeightEntry[] = [];
  let bytes = 0;
  for (const [key, t] of weights) {
    const data = t.data;
    if (data.byteLength > IPC_MAX_WEIGHT_BYTES) {
      throw new SkipconnError(
        'UNSUPPORTED',
        `${name}: weight '${key}' is ${data.byteLength} bytes; Node's IPC channel to the WebGPU host process carries at most ${IPC_MAX_WEIGHT_BYTES} bytes in one message (it cannot deserialize 2 GiB), and a weight is not split`,
      );
    }
    const compact = data.byteLength === data.buffer.byteLength ? t : { ...t, data: data.slice() };
    if (current.length > 0 && bytes + data.byteLength > maxBytes) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push([key, compact as HostTensor]);
    bytes += data.byteLength;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
/** A request before the proxy numbers it (Omit over each member of the union). */
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
type RequestBody = WithoutId<HostRequest>;

const STDERR_TAIL_LINES = 20;

function resolvable(spec: string): string | undefined {
  try {
    return createRequire(__filename).resolve(spec);
  } catch {
    return undefined;
  }
}

export function createOrtWebGpuProcessAdapter(options: OrtWebGpuProcessOptions = {}): Adapter {
  const name = options.name ?? ORT_WEB_WEBGPU;
  const { initTimeoutMs = 120_000, ipcBatchBytes = IPC_BATCH_BYTES, ...sessionOptions } = options;
  let child: ChildProcess | undefined;
  let dead: string | undefined;
  let resources: ResourceCounts = { sessions: 0 };
  let nextId = 1;
  let nextUpload = 1;
  const pending = new Map<number, Pending>();
  const stderrTail: string[] = [];

  const call = <T>(body: RequestBody): Promise<T> => {
    if (dead !== undefined) return Promise.reject(new SkipconnError('ADAPTER_UNAVAILABLE', `${name}: ${dead}`));
    if (child === undefined) return Promise.reject(new SkipconnError('USAGE', `adapter ${name}: call init() before compile()`));
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child!.send({ ...body, id } as HostRequest);
    });
  };

  const onExit = (code: number | null, signal: string | null): void => {
    dead = `its WebGPU host process ended (${signal ?? `exit code ${code}`})${stderrTail.length > 0 ? `; its last output:\n${stderrTail.join('\n')}` : ''}`;
    child = undefined;
    const err = new SkipconnError('ADAPTER_UNAVAILABLE', `${name}: ${dead}`);
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };

  const start = (): ChildProcess => {
    let host: EntryFile;
    try {
      host = entryFile(__dirname, 'webgpu-host');
    } catch (err) {
      throw new AdapterUnavailableError(name, `its Node host process cannot start: ${err instanceof Error ? err.message : String(err)}`, 'reinstall @skipconn/onnxruntime-web');
    }
    if (resolvable('webgpu') === undefined && resolvable('webgpu/package.json') === undefined) throw new AdapterUnavailableError(name, 'the `webgpu` npm package (Dawn for Node) is not installed', DAWN_FIX);
    const env = { ...process.env, ...host.env };
    selectSwiftShader(env);
    const proc = fork(host.file, [], {
      execArgv: ['--liftoff-only', ...host.execArgv],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env,
    });
    proc.stderr?.setEncoding('utf8');
    proc.stderr?.on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) if (line.trim() !== '') stderrTail.push(line);
      stderrTail.splice(0, Math.max(0, stderrTail.length - STDERR_TAIL_LINES));
    });
    proc.on('message', (reply: HostReply) => {
      const p = pending.get(reply.id);
      if (p === undefined) return;
      pending.delete(reply.id);
      resources = reply.resources;
      if (reply.ok) p.resolve(reply.value);
      else p.reject(decodeError(reply.error));
    });
    proc.on('exit', onExit);
    proc.on('error', (err) => onExit(null, err.message));
    return proc;
  };

  const stop = async (): Promise<void> => {
    const proc = child;
    if (proc === undefined) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    // The host exits when its IPC channel closes; a host that does not is killed.
    if (proc.connected) proc.disconnect();
    else proc.kill('SIGKILL');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };

  return {
    name,
    async init() {
      if (child !== undefined) return;
      dead = undefined;
      child = start();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new AdapterUnavailableError(name, `its WebGPU host process did not become ready within ${initTimeoutMs} ms`, DAWN_FIX)), initTimeoutMs);
      });
      try {
        await Promise.race([call({ op: 'init', options: sessionOptions }), timeout]);
      } catch (err) {
        await stop();
        if (err instanceof AdapterUnavailableError) throw err;
        throw new AdapterUnavailableError(name, err instanceof Error ? err.message : String(err), DAWN_FIX);
      } finally {
        clearTimeout(timer);
      }
    },
    whyUnsupported(op, dtype) {
      return tableWhyUnsupported(EXPORTERS, ORT_WEB_DTYPES, op, dtype);
    },
    async compile(graph, weights, compileOptions) {
      // The weights cross first, in messages Node's IPC can carry (protocol.ts), then the graph.
      const upload = nextUpload++;
      for (const batch of weightBatches(weights, ipcBatchBytes, name)) await call({ op: 'weights', upload, weights: batch });
      const reply = await call<CompileReply>({ op: 'compile', graph: graph.graph, upload, options: { ...(compileOptions ?? {}) } });
      let disposed = false;
      const compiled: CompiledGraph = {
        info: reply.info,
        async run(feeds) {
          if (disposed) throw new SkipconnError('USAGE', `${name}: run() after dispose()`);
          checkFeeds(graph, feeds);
          return call<Record<string, HostTensor>>({ op: 'run', handle: reply.handle, feeds });
        },
        async dispose() {
          if (disposed) return;
          disposed = true;
          await call({ op: 'release', handle: reply.handle });
        },
      };
      return compiled;
    },
    resources() {
      return resources;
    },
    async dispose() {
      if (child === undefined) return;
      await call({ op: 'dispose' }).catch(() => undefined);
      resources = { sessions: 0 };
      await stop();
    },
  };
}

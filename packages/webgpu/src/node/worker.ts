/// <reference types="@webgpu/types" />
/**
 * The worker thread that owns the Dawn device (started by worker-host.ts: dist/worker.cjs in an
 * installed package, this source through tsx in a checkout). It validates graphs, runs the engine and answers one message at a time.
 * Long synchronous JavaScript elsewhere in the process cannot stall this thread, which is what
 * keeps Dawn alive (docs/webgpu.md, "Why a worker").
 */
import { parentPort } from 'node:worker_threads';
import { encodeError, tensor, validateGraph, type HostTensor } from '@skipconn/core';
import type { Engine } from '../engine/engine';
import { timeUploadedPlan } from '../engine/timing';
import { mark, traceNow, type RunMarks } from '../engine/run-trace';
import { openDevice } from './open-device';
import { pacedWait } from './paced-wait';
import type { Envelope, ReplyEnvelope, Reply, Request, WireTensor } from './protocol';

const port = parentPort;
if (port === null) throw new Error('worker.ts must run in a worker thread');
let engine: Engine | undefined;

function valuesOf(t: WireTensor): Float32Array | Int32Array {
  return t.int32 ? new Int32Array(t.data) : new Float32Array(t.data);
}

function feedsOf(list: readonly WireTensor[]): Map<string, Float32Array | Int32Array> {
  return new Map(list.map((t) => [t.name, valuesOf(t)]));
}

function need(): Engine {
  if (engine === undefined) throw new Error('internal: webgpu worker used before init');
  return engine;
}

/** `receivedAt`: when the message arrived, the first mark of a traced run here. */
async function handle(req: Request, receivedAt: number): Promise<{ reply: Reply; transfer: ArrayBuffer[] }> {
  switch (req.type) {
    case 'init': {
      engine = await openDevice();
      engine.checkShaderKeys = req.checkKeys;
      if (req.pacedWaits) engine.waitForGpu = pacedWait;
      return { reply: { type: 'init', info: engine.info }, transfer: [] };
    }
    case 'compile': {
      const vg = validateGraph(req.graph);
      const weights = new Map<string, HostTensor>(req.weights.map((w) => [w.name, w.int32 ? tensor('int32', w.shape, new Int32Array(w.data)) : tensor('float32', w.shape, new Float32Array(w.data))]));
      const { id, report } = await need().compile(vg, weights, req.settings);
      return { reply: { type: 'compile', id, report }, transfer: [] };
    }
    case 'run': {
      const marks: RunMarks | undefined = req.trace ? { received: receivedAt } : undefined;
      const out = await need().run(req.id, feedsOf(req.feeds), marks);
      const outputs: WireTensor[] = [...out].map(([name, t]) => ({ name, shape: t.shape, data: t.data.buffer as ArrayBuffer, int32: t.data instanceof Int32Array }));
      // writeBuffer copied the feeds: their buffers go back to the host for its next run.
      const spent = req.feeds.map((f) => f.data);
      mark(marks, 'replying');
      return { reply: { type: 'run', outputs, spent, ...(marks ? { marks } : {}) }, transfer: [...outputs.map((o) => o.data), ...spent] };
    }
    case 'time': {
      const result = await need().withUploadedPlan(req.id, feedsOf(req.feeds), (plan) => timeUploadedPlan(plan, req.options));
      return { reply: { type: 'time', result }, transfer: [] };
    }
    case 'release':
      await engine?.release(req.id);
      return { reply: { type: 'done' }, transfer: [] };
    case 'lose-device':
      need().loseDevice();
      return { reply: { type: 'done' }, transfer: [] };
    case 'shutdown':
      await engine?.destroy().catch(() => undefined);
      engine = undefined;
      return { reply: { type: 'done' }, transfer: [] };
  }
}

port.on('message', (msg: Envelope<Request>) => {
  void handle(msg.body, traceNow()).then(
    ({ reply, transfer }) => send({ seq: msg.seq, ok: reply }, transfer),
    (err: unknown) => send({ seq: msg.seq, error: encodeError(err) }, []),
  );
});

function send(partial: Omit<ReplyEnvelope, 'counts' | 'stats'>, transfer: ArrayBuffer[]): void {
  const counts = engine?.counts() ?? {};
  const stats = engine?.stats() ?? { peakBytes: 0, pipelines: 0 };
  port!.postMessage({ ...partial, counts, stats } satisfies ReplyEnvelope, transfer);
}

/**
 * The host process of ort-web:webgpu in Node (started by webgpu-process.ts with
 * `node --liftoff-only` on the compiled file, or on this source through tsx in a checkout). It owns the Dawn device and the onnxruntime-web JSEP
 * runtime and serves one adapter over the IPC channel, one request at a time.
 *
 * It runs with --liftoff-only because V8's background TurboFan compilation of the 28 MB JSEP
 * wasm takes 40-90 s on two cores, and Node waits for it whenever its event loop runs empty
 * (NodePlatform::DrainTasks) and again at exit: that was the "~28 s exit delay" (see
 * docs/onnxruntime-web.md). Liftoff code is plenty for the work the wasm side does here.
 */
import { SerialQueue, encodeError, validateGraph, type Adapter, type CompiledGraph, type HostTensor } from '@skipconn/core';
import { createOrtWebAdapter } from '../adapter';
import { DAWN_FIX, installDawnNavigator } from './dawn';
import { ORT_WEB_FIX, loadOrtWeb } from './runtime';
import type { CompileReply, HostReply, HostRequest } from './protocol';

let adapter: Adapter | undefined;
const compiled = new Map<number, CompiledGraph>();
/** Weights received for a compile that has not arrived yet, by upload number. */
const staged = new Map<number, [string, HostTensor][]>();
let nextHandle = 1;

function send(reply: HostReply): void {
  process.send?.(reply);
}

function compiledGraph(handle: number): CompiledGraph {
  const g = compiled.get(handle);
  if (g === undefined) throw new Error(`no compiled graph with handle ${handle} in the WebGPU host`);
  return g;
}

function loaded(): Adapter {
  if (adapter === undefined) throw new Error('the WebGPU host got a request before init');
  return adapter;
}

async function handle(req: HostRequest): Promise<unknown> {
  switch (req.op) {
    case 'init': {
      adapter = createOrtWebAdapter('webgpu', {
        ...req.options,
        fix: `${ORT_WEB_FIX}; ${DAWN_FIX}`,
        build: 'onnxruntime-web/all (JSEP) in Node through Dawn',
        runtime: async () => {
          await installDawnNavigator();
          return loadOrtWeb('all');
        },
      });
      await adapter.init();
      return null;
    }
    case 'weights': {
      const list = staged.get(req.upload) ?? [];
      for (const w of req.weights) list.push([w[0], w[1]]);
      staged.set(req.upload, list);
      return null;
    }
    case 'compile': {
      const weights = new Map(staged.get(req.upload) ?? []);
      staged.delete(req.upload);
      const g = await loaded().compile(validateGraph(req.graph), weights, req.options);
      const h = nextHandle++;
      compiled.set(h, g);
      const reply: CompileReply = { handle: h, info: { ...g.info } };
      return reply;
    }
    case 'run':
      return compiledGraph(req.handle).run(req.feeds);
    case 'release': {
      const g = compiledGraph(req.handle);
      compiled.delete(req.handle);
      await g.dispose();
      return null;
    }
    case 'dispose': {
      compiled.clear();
      staged.clear();
      await adapter?.dispose();
      return null;
    }
  }
}

// One request at a time, in the order they arrive.
const queue = new SerialQueue();
process.on('message', (req: HostRequest) => {
  void queue.run(async () => {
    try {
      const value = await handle(req);
      send({ id: req.id, ok: true, value, resources: adapter?.resources() ?? {} });
    } catch (err) {
      send({ id: req.id, ok: false, error: encodeError(err), resources: adapter?.resources() ?? {} });
    }
  });
});
// The parent went away (disposed, or died): nothing left to serve.
process.on('disconnect', () => process.exit(0));

/**
 * The page side of the harness: hosts real adapters and answers the Node proxies' requests
 * (window.__skipconnHarness.call). Requests arrive one at a time; every reply carries the
 * instance's resources() so the proxy's leak check sees the page's real counts.
 */
import { AdapterUnavailableError, SerialQueue, encodeError, validateGraph, type Adapter, type CompiledGraph } from '@skipconn/core';
import { decodeTensors, encodeTensors, type CompileReply, type HarnessReply, type HarnessRequest, type InitReply, type PageAdapterInfo } from '../wire';
import type { PageAdapterProvider } from './provider';

interface Instance {
  readonly adapter: Adapter;
  readonly compiled: Map<number, CompiledGraph>;
}

export function serve(providers: readonly PageAdapterProvider[]): void {
  const instances = new Map<number, Instance>();
  let nextInstance = 1;
  let nextHandle = 1;

  const instance = (id: number): Instance => {
    const i = instances.get(id);
    if (i === undefined) throw new Error(`no adapter instance ${id} in the page`);
    return i;
  };

  async function handle(req: HarnessRequest): Promise<{ value: unknown; instance?: Instance }> {
    switch (req.op) {
      case 'list':
        return { value: providers.map((p): PageAdapterInfo => ({ name: p.name, description: p.description })) };
      case 'init': {
        const provider = providers.find((p) => p.name === req.adapter);
        if (provider === undefined) throw new AdapterUnavailableError(req.adapter, `the test page has no provider for ${req.adapter}`);
        const adapter = await provider.create();
        try {
          await adapter.init();
        } catch (err) {
          await adapter.dispose().catch(() => undefined);
          throw err;
        }
        const inst: Instance = { adapter, compiled: new Map() };
        const id = nextInstance++;
        instances.set(id, inst);
        const reply: InitReply = { instance: id };
        return { value: reply, instance: inst };
      }
      case 'compile': {
        const inst = instance(req.instance);
        const weights = new Map(Object.entries(decodeTensors(req.weights)));
        const g = await inst.adapter.compile(validateGraph(req.graph), weights, req.options);
        const handle = nextHandle++;
        inst.compiled.set(handle, g);
        const reply: CompileReply = { handle, info: { ...g.info } };
        return { value: reply, instance: inst };
      }
      case 'run': {
        const inst = instance(req.instance);
        const g = inst.compiled.get(req.handle);
        if (g === undefined) throw new Error(`no compiled graph ${req.handle} in the page`);
        const out = await g.run(decodeTensors(req.feeds));
        return { value: encodeTensors(Object.entries(out)), instance: inst };
      }
      case 'release': {
        const inst = instance(req.instance);
        const g = inst.compiled.get(req.handle);
        inst.compiled.delete(req.handle);
        await g?.dispose();
        return { value: null, instance: inst };
      }
      case 'dispose': {
        const inst = instances.get(req.instance);
        instances.delete(req.instance);
        await inst?.adapter.dispose();
        return { value: null };
      }
    }
  }

  const queue = new SerialQueue();
  const call = (req: HarnessRequest): Promise<HarnessReply> =>
    queue.run(async (): Promise<HarnessReply> => {
      let inst: Instance | undefined;
      try {
        const r = await handle(req);
        inst = r.instance;
        return { ok: true, value: r.value, ...(inst ? { resources: { ...inst.adapter.resources() } } : {}) };
      } catch (err) {
        inst = 'instance' in req ? instances.get(req.instance) : undefined;
        return { ok: false, error: encodeError(err), ...(inst ? { resources: { ...inst.adapter.resources() } } : {}) };
      }
    });
  (globalThis as { __skipconnHarness?: unknown }).__skipconnHarness = { call };
  document.title = 'skipconn harness ready';
}

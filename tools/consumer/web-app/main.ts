// A user's browser app, bundled by Vite in production mode: the IR example and the torchvision
// ResNet-18 (ONNX) on every browser adapter, each compared with the reference evaluator.
import { createAdapter, parseGraphJson, randomTensor, readSafetensors, validateGraph, weightsFromGraph, type HostTensor } from '@skipconn/core';
import { importOnnx } from '@skipconn/onnx';
import '@skipconn/webgpu';
import { registerOrtWebAdapters, type OrtWebRuntime } from '@skipconn/onnxruntime-web/browser';
import * as ortWasm from 'onnxruntime-web/wasm';
import * as ortWebGpu from 'onnxruntime-web/all';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { registerTfjsBrowserAdapters } from '@skipconn/tfjs/browser';

registerOrtWebAdapters({ wasm: ortWasm as unknown as OrtWebRuntime, webgpu: ortWebGpu as unknown as OrtWebRuntime, wasmPaths: '/ort/' });
registerTfjsBrowserAdapters(tf, ['webgl', 'webgpu']);

const ADAPTERS = ['webgpu', 'ort-web:wasm', 'ort-web:webgpu', 'tfjs:webgl', 'tfjs:webgpu'];

async function bytes(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

function maxAbs(got: HostTensor, want: HostTensor): { maxAbs: number; ok: boolean } {
  let worst = 0;
  let ok = got.data.length === want.data.length;
  for (let i = 0; i < want.data.length; i++) {
    const d = Math.abs(Number(got.data[i]) - Number(want.data[i]));
    if (!(d <= 1e-4 + 1e-3 * Math.abs(Number(want.data[i])))) ok = false;
    if (!(d <= worst)) worst = d;
  }
  return { maxAbs: worst, ok };
}

async function models() {
  const graph = parseGraphJson(new TextDecoder().decode(await bytes('/models/resnet-basic-projection.json')), 'resnet-basic-projection.json');
  const block = { name: 'resnet basic block (IR)', validated: validateGraph(graph), weights: weightsFromGraph(graph, readSafetensors(await bytes('/models/resnet-basic-projection.safetensors')).tensors) };
  const resnet = { name: 'resnet18 (ONNX)', ...importOnnx(await bytes('/models/resnet18.onnx')) };
  return [block, resnet];
}

async function main() {
  const results: Record<string, unknown>[] = [];
  for (const m of await models()) {
    const feeds: Record<string, HostTensor> = {};
    m.validated.graph.inputs.forEach((input, i) => (feeds[input.name] = randomTensor(input.shape, 11 + i)));
    const output = m.validated.graph.outputs[0]!;
    const reference = await createAdapter('reference');
    const want = (await (await reference.compile(m.validated, m.weights)).run(feeds))[output]!;
    results.push({ model: m.name, adapter: 'reference', ok: true, maxAbs: 0 });
    for (const name of ADAPTERS) {
      try {
        const adapter = await createAdapter(name);
        await adapter.init();
        const compiled = await adapter.compile(m.validated, m.weights);
        const got = (await compiled.run(feeds))[output]!;
        results.push({ model: m.name, adapter: name, ran: compiled.info, ...maxAbs(got, want) });
        await compiled.dispose();
        await adapter.dispose();
      } catch (err) {
        results.push({ model: m.name, adapter: name, ok: false, detail: err instanceof Error ? err.message : String(err) });
      }
    }
  }
  return results;
}

const out = document.getElementById('out')!;
main().then(
  (results) => {
    (window as unknown as { skipconnResults: unknown }).skipconnResults = results;
    out.textContent = JSON.stringify(results, null, 2);
  },
  (err: unknown) => {
    (window as unknown as { skipconnResults: unknown }).skipconnResults = { error: String(err) };
    out.textContent = String(err);
  },
);

/**
 * Reproduces, in plain onnxruntime-web, an upload from a CPU EP node overwriting the input of a
 * kernel that the WebGPU (JSEP) EP has recorded but not yet run (docs/onnxruntime-web.md):
 *
 *   node --liftoff-only --require tsx/cjs tools/jsep/topk-concat.ts [variant ...]
 *
 * Each variant is a hand-written ONNX model: TopK of 100 of a [1, 5000] input (which runs on the
 * CPU EP), its int64 indices cast to int32, values and indices each reshaped to [1, 100, 1], the
 * indices cast to float32, and the two concatenated. Flags, joined with '+': `no-int32` (the
 * indices stay int64), `no-reshape`, `neg` (a Neg on the values), `swap` (the Concat's inputs
 * swapped). Each is run on onnxruntime-node's CPU EP and on onnxruntime-web's WebGPU EP, and the
 * number of differing elements printed. Environment: ORDERED=1 gives onnxruntime-web the adapter
 * wrapped by orderUploads (the fix), VERBOSE=1 prints onnxruntime's node placement, JSLOG=1
 * onnxruntime-web's WebGPU debug log (buffer ids of each upload), OPTS a JSON of extra session
 * options (e.g. '{"enableMemPattern":false}').
 */
import * as ortNode from 'onnxruntime-node';
import { emptyTensor, type AttributeProto, type NodeProto, type TensorProto } from '@skipconn/onnx';
import { floatValue, modelBytes } from './model';
import { installDawnNavigator } from '../../packages/onnxruntime-web/src/node/dawn';
import { loadOrtWeb } from '../../packages/onnxruntime-web/src/node/runtime';
import { orderUploads } from '../../packages/onnxruntime-web/src/ordered-uploads';

const N = 5000;
const K = 100;
let seed = 7;
function rnd(): number {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
}
const X = Float32Array.from({ length: N }, () => rnd());

const int64s = (name: string, data: number[]): TensorProto => ({ ...emptyTensor(), name, dims: [data.length], dataType: 7, int64Data: data.map(BigInt) }) as TensorProto;
const intAttr = (name: string, i: number): AttributeProto => ({ name, type: 2, i, ints: [], floats: [], strings: [], tensors: [], graphs: [] }) as unknown as AttributeProto;

function model(variant: string): Uint8Array {
  const initializer: TensorProto[] = [int64s('k', [K]), int64s('shape', [1, K, 1])];
  const node: NodeProto[] = [{ name: 'topk', opType: 'TopK', domain: '', input: ['x', 'k'], output: ['values', 'idx64'], attribute: [intAttr('axis', -1)] }];
  const has = (flag: string) => variant.split('+').includes(flag);
  let idx = 'idx64';
  if (!has('no-int32')) {
    node.push({ name: 'cast32', opType: 'Cast', domain: '', input: ['idx64'], output: ['idx32'], attribute: [intAttr('to', 6)] });
    idx = 'idx32';
  }
  let v = 'values';
  if (!has('no-reshape')) {
    node.push({ name: 'rv', opType: 'Reshape', domain: '', input: ['values', 'shape'], output: ['v3'], attribute: [] });
    node.push({ name: 'ri', opType: 'Reshape', domain: '', input: [idx, 'shape'], output: ['i3'], attribute: [] });
    v = 'v3';
    idx = 'i3';
  }
  if (has('neg')) {
    node.push({ name: 'negv', opType: 'Neg', domain: '', input: [v], output: ['vn'], attribute: [] });
    v = 'vn';
  }
  node.push({ name: 'castf', opType: 'Cast', domain: '', input: [idx], output: ['if3'], attribute: [intAttr('to', 1)] });
  const pair = has('swap') ? ['if3', v] : [v, 'if3'];
  node.push({ name: 'cat', opType: 'Concat', domain: '', input: pair, output: ['y'], attribute: [intAttr('axis', has('no-reshape') ? 0 : 2)] });
  return modelBytes('topk-concat', { node, initializer, input: [floatValue('x', [1, N])], output: [floatValue('y', has('no-reshape') ? [2, K] : [1, K, 2])] });
}

type Runtime = typeof ortNode;

async function run(rt: Runtime, ep: string, bytes: Uint8Array, verbose = false): Promise<Float32Array> {
  const extra = JSON.parse(process.env.OPTS ?? '{}') as object;
  const session = await rt.InferenceSession.create(bytes, { executionProviders: [ep], logSeverityLevel: verbose ? 0 : 3, logVerbosityLevel: verbose ? 1 : 0, ...(ep === 'cpu' ? {} : extra) } as never);
  try {
    const out = await session.run({ x: new rt.Tensor('float32', X, [1, N]) });
    return Float32Array.from(out[session.outputNames[0]!]!.data as Float32Array);
  } finally {
    await session.release();
  }
}

async function main(): Promise<void> {
  await installDawnNavigator();
  const ortWeb = loadOrtWeb('all') as unknown as Runtime;
  if (process.env.ORDERED === '1') {
    const gpu = (globalThis as unknown as { navigator: { gpu: { requestAdapter(): Promise<Parameters<typeof orderUploads>[0]> } } }).navigator.gpu;
    (ortWeb as unknown as { env: { webgpu: { adapter: unknown } } }).env.webgpu.adapter = orderUploads(await gpu.requestAdapter());
  }
  if (process.env.JSLOG === '1') Object.assign((ortWeb as unknown as { env: object }).env, { debug: true, logLevel: 'verbose' });
  for (const variant of process.argv.slice(2).length ? process.argv.slice(2) : ['int32', 'no-int32']) {
    const bytes = model(variant);
    const want = await run(ortNode, 'cpu', bytes);
    const got = await run(ortWeb, 'webgpu', bytes, process.env.VERBOSE === '1');
    let bad = 0;
    for (let i = 0; i < want.length; i++) if (got[i] !== want[i]) bad++;
    console.log(`${variant}: ${bad} of ${want.length} elements differ; first rows want ${Array.from(want.slice(0, 4))} got ${Array.from(got.slice(0, 4))}`);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);

/**
 * The ort-web adapters beyond conformance: what info reports, session accounting and release,
 * usage errors, the WebGPU checks (no navigator.gpu, CPU fallback reported or refused, graphs
 * refused before onnxruntime sees them, Concats over seven inputs split, activation chains kept
 * out of JSEP's Conv fusion) and the Node WebGPU
 * host's prompt exit.
 */
import { AdapterUnavailableError, GraphBuilder, SkipconnError, evaluateGraph, tensor, type Adapter, type HostTensor } from '@skipconn/core';
import { requiredAdaptersFromEnv } from '@skipconn/conformance';
import { decodeModel, encodeModel, exportModel, importOnnx, splitExternalData } from '@skipconn/onnx';
import {
  JSEP_MAX_CONCAT_INPUTS,
  createOrtWebAdapter,
  createOrtWebGpuProcessAdapter,
  createOrtWebWasmAdapter,
  separateActivationChains,
  splitWideConcats,
  weightBatches,
  type OrtWebRuntime,
} from '@skipconn/onnxruntime-web';

/** x + relu(conv(x)) on `channels` channels (8: a 2.3 KB weight, large enough to go to external data). */
function convResidual(channels = 2) {
  const b = new GraphBuilder('conv-residual');
  const x = b.input('x', [1, channels, 4, 4], { layout: 'NCHW' });
  const w = b.weight(
    'w',
    tensor(
      'float32',
      [channels, channels, 3, 3],
      Array.from({ length: channels * channels * 9 }, (_, i) => ((i % 5) - 2) / 10),
    ),
  );
  const h = b.node('conv2d', [x, w], { pads: [1, 1, 1, 1] }, 'conv');
  b.output(b.node('residual', [x, h], { activation: 'relu' }, 'add'));
  return b.build();
}

/** A ceil-mode pool on a [1, 1, 5, 5] input: maxPool2d 2x2 stride 2, or avgPool2d 3x3 stride 2 pads 1 counting them. */
function ceilPool(op: 'maxPool2d' | 'avgPool2d' = 'maxPool2d') {
  const b = new GraphBuilder('ceil-pool');
  const attrs = op === 'maxPool2d' ? { kernel: [2, 2], strides: [2, 2], ceilMode: true } : { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceilMode: true, countIncludePad: true };
  b.output(b.node(op, [b.input('x', [1, 1, 5, 5], { layout: 'NCHW' })], attrs, 'pool'));
  return b.build();
}

/** A channel concat of `n` graph inputs of 1 to 3 channels each (DenseNet joins up to 25). */
function wideConcat(n: number) {
  const b = new GraphBuilder(`concat-${n}`);
  const inputs = Array.from({ length: n }, (_, i) => b.input(`x${i}`, [1, 1 + (i % 3), 2, 2], { layout: 'NCHW' }));
  b.output(b.node('concat', inputs, {}, 'y'));
  return b.build();
}

/** Distinct values in every input, so a misplaced or missing input shows. */
function wideConcatFeeds(n: number): Record<string, HostTensor> {
  const feeds: Record<string, HostTensor> = {};
  for (let i = 0; i < n; i++) {
    const c = 1 + (i % 3);
    feeds[`x${i}`] = tensor(
      'float32',
      [1, c, 2, 2],
      Array.from({ length: c * 4 }, (_, j) => i * 100 + j + 0.5),
    );
  }
  return feeds;
}

/**
 * A depthwise conv with its batch norm as a per-channel Mul and Add, then TF's relu6 as
 * tensorflowjs_converter writes it (Relu, Minimum 6, Maximum 0), as in faceres; and a second conv
 * followed by Sigmoid and Relu. Weights of up to 2 on inputs of up to 4 put many values past 6.
 */
function convActivationChains() {
  const b = new GraphBuilder('conv-activation-chains');
  const x = b.input('x', [1, 4, 6, 6], { layout: 'NCHW' });
  const ramp = (n: number, scale: number) => Array.from({ length: n }, (_, i) => (((i * 7) % 11) - 5) * scale);
  const dw = b.node('conv2d', [x, b.weight('dw_kernel', tensor('float32', [4, 1, 3, 3], ramp(36, 0.4)))], { pads: [1, 1, 1, 1], groups: 4 }, 'dw');
  const scaled = b.node('mul', [dw, b.weight('scale', tensor('float32', [4, 1, 1], [0.9, 1.1, 1.3, 0.7]))], {}, 'bn_mul');
  const shifted = b.node('add', [scaled, b.weight('shift', tensor('float32', [4, 1, 1], [0.5, -0.5, 1, -1]))], {}, 'bn_add');
  const relu = b.node('relu', [shifted], {}, 'relu');
  const upper = b.node('clip', [relu], { max: 6 }, 'relu6_min');
  b.output(b.node('clip', [upper], { min: 0 }, 'relu6'));
  const conv = b.node('conv2d', [x, b.weight('conv_kernel', tensor('float32', [2, 4, 3, 3], ramp(72, 0.2)))], { pads: [1, 1, 1, 1] }, 'conv');
  b.output(b.node('relu', [b.node('sigmoid', [conv], {}, 'sigmoid')], {}, 'sigmoid_relu'));
  return b.build();
}

const chainInput = tensor(
  'float32',
  [1, 4, 6, 6],
  Array.from({ length: 144 }, (_, i) => ((i * 13) % 17) / 2 - 4),
);

const input = tensor(
  'float32',
  [1, 2, 4, 4],
  Array.from({ length: 32 }, (_, i) => (i - 16) / 8),
);

describe('ort-web:wasm in Node', () => {
  let adapter: Adapter;
  beforeAll(async () => {
    adapter = createOrtWebWasmAdapter();
    await adapter.init();
  });
  afterAll(() => adapter.dispose());

  it('reports the wasm EP and the onnxruntime-web version, counts and releases sessions', async () => {
    const { validated, weights } = convResidual();
    expect(adapter.resources()).toEqual({ sessions: 0 });
    const compiled = await adapter.compile(validated, weights);
    expect(compiled.info.executionProvider).toBe('wasm');
    expect(compiled.info.backend).toMatch(/^onnxruntime-web 1\.30\.\d+ in Node, wasm, \d+ threads?$/);
    expect(adapter.resources()).toEqual({ sessions: 1 });
    const out = await compiled.run({ x: input });
    expect(out['add']!.shape).toEqual([1, 2, 4, 4]);
    expect(out['add']!.data).toBeInstanceOf(Float32Array);
    await compiled.dispose();
    expect(adapter.resources()).toEqual({ sessions: 0 });
    await expect(compiled.run({ x: input })).rejects.toThrow(/run\(\) after dispose\(\)/);
  });

  it('checks feeds before they reach onnxruntime', async () => {
    const { validated, weights } = convResidual();
    const compiled = await adapter.compile(validated, weights);
    try {
      await expect(compiled.run({ x: tensor('float32', [1, 2, 4, 3]) })).rejects.toMatchObject({ code: 'INPUT_INVALID' });
      await expect(compiled.run({})).rejects.toThrow(/input 'x' is missing/);
    } finally {
      await compiled.dispose();
    }
  });

  it('hands initializers over as in-memory external data past maxInlineInitializerBytes, with the same result', async () => {
    const { validated, weights } = convResidual(8);
    expect(splitExternalData(exportModel(validated, weights), 0).externalData.length).toBe(1);
    const input = tensor(
      'float32',
      [1, 8, 4, 4],
      Array.from({ length: 128 }, (_, i) => (i - 64) / 32),
    );
    const inline = await adapter.compile(validated, weights);
    // 0: every initializer leaves the protobuf, as those of a model over 2 GiB do.
    const external = await adapter.compile(validated, weights, { maxInlineInitializerBytes: 0 });
    try {
      const want = (await inline.run({ x: input }))['add']!;
      const got = (await external.run({ x: input }))['add']!;
      expect(Array.from(got.data as Float32Array)).toEqual(Array.from(want.data as Float32Array));
    } finally {
      await inline.dispose();
      await external.dispose();
    }
    await expect(adapter.compile(validated, weights, { maxInlineInitializerBytes: -1 })).rejects.toThrow(/maxInlineInitializerBytes: expected a non-negative integer, received -1/);
  });

  it('refuses unknown session options', async () => {
    const { validated, weights } = convResidual();
    await expect(adapter.compile(validated, weights, { graphOptimizationLevel: 'max' })).rejects.toThrow(/graphOptimizationLevel: expected one of disabled, basic, extended, all, received "max"/);
    await expect(adapter.compile(validated, weights, { cpuFallback: 'maybe' })).rejects.toThrow(/cpuFallback: expected 'report' or 'forbid'/);
  });

  it('releases every live session on dispose', async () => {
    const other = createOrtWebWasmAdapter();
    await other.init();
    const { validated, weights } = convResidual();
    await other.compile(validated, weights);
    await other.compile(validated, weights);
    expect(other.resources()).toEqual({ sessions: 2 });
    await other.dispose();
    expect(other.resources()).toEqual({ sessions: 0 });
  });

  it('says compile() needs init()', async () => {
    const { validated, weights } = convResidual();
    await expect(createOrtWebWasmAdapter().compile(validated, weights)).rejects.toThrow(/call init\(\) before compile\(\)/);
  });
});

/**
 * A stand-in for onnxruntime-web with a WebGPU EP: relu-like sessions, and a switch that makes it
 * refuse sessions with CPU fallback disabled, as onnxruntime does when its WebGPU EP leaves nodes
 * to the CPU EP.
 */
function fakeRuntime(state: { needsCpu: boolean; created: string[]; models?: Uint8Array[] }): OrtWebRuntime {
  class Tensor {
    readonly data: Float32Array | Uint8Array;
    constructor(
      readonly type: string,
      data: ArrayLike<number>,
      readonly dims: readonly number[],
    ) {
      this.data = ArrayBuffer.isView(data) ? (data as Float32Array) : type === 'uint8' || type === 'bool' ? Uint8Array.from(data) : Float32Array.from(data);
    }
    dispose(): void {}
  }
  const InferenceSession = {
    async create(bytes: Uint8Array, options: { executionProviders: string[]; extra?: { session?: Record<string, string> } }) {
      state.models?.push(bytes);
      const forbid = options.extra?.session?.['disable_cpu_ep_fallback'] === '1';
      state.created.push(`${options.executionProviders.join(',')}${forbid ? ' forbid-cpu' : ''}`);
      if (forbid && state.needsCpu) {
        throw new Error('This session contains graph nodes that are assigned to the default CPU EP, but fallback to CPU EP has been explicitly disabled by the user.');
      }
      return {
        outputNames: ['y'],
        async run(feeds: Record<string, Tensor>) {
          const x = Object.values(feeds)[0]!;
          return {
            y: new Tensor(
              'float32',
              Float32Array.from(x.data, (v) => Math.max(v, 0)),
              x.dims,
            ),
          };
        },
        async release() {},
      };
    },
  };
  return { Tensor, InferenceSession, env: { versions: { web: '0.0.0-fake' }, wasm: {}, webgpu: { adapter: { info: { vendor: 'fake-vendor', architecture: 'fake-arch' } } } } } as unknown as OrtWebRuntime;
}

describe('ort-web:webgpu checks (fake runtime)', () => {
  const g = globalThis as { navigator?: unknown };
  let saved: PropertyDescriptor | undefined;
  beforeEach(() => {
    saved = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
    Object.defineProperty(globalThis, 'navigator', { value: { gpu: { requestAdapter: async () => ({}) } }, configurable: true, writable: true });
  });
  afterEach(() => {
    if (saved !== undefined) Object.defineProperty(globalThis, 'navigator', saved);
    else delete g.navigator;
  });

  function relu() {
    const b = new GraphBuilder('relu');
    b.output(b.node('relu', [b.input('x', [1, 4])], {}, 'y'));
    return b.build();
  }

  it('reports webgpu when every node stays on the WebGPU EP', async () => {
    const state = { needsCpu: false, created: [] as string[] };
    const adapter = createOrtWebAdapter('webgpu', { runtime: () => fakeRuntime(state), build: 'fake' });
    await adapter.init();
    const compiled = await adapter.compile(relu().validated, relu().weights);
    expect(compiled.info).toEqual({ executionProvider: 'webgpu', backend: 'onnxruntime-web 0.0.0-fake fake, WebGPU on fake-vendor fake-arch' });
    expect(state.created).toEqual(['webgpu forbid-cpu', 'webgpu forbid-cpu']);
    await adapter.dispose();
  });

  it("says 'webgpu+wasm' when onnxruntime needs its CPU EP, or refuses with cpuFallback 'forbid'", async () => {
    const state = { needsCpu: false, created: [] as string[] };
    const adapter = createOrtWebAdapter('webgpu', { runtime: () => fakeRuntime(state) });
    await adapter.init();
    state.needsCpu = true;
    const mixed = await adapter.compile(relu().validated, relu().weights);
    expect(mixed.info.executionProvider).toBe('webgpu+wasm');
    expect(state.created.slice(-2)).toEqual(['webgpu forbid-cpu', 'webgpu']);
    await mixed.dispose();
    await expect(adapter.compile(relu().validated, relu().weights, { cpuFallback: 'forbid' })).rejects.toMatchObject({
      code: 'UNSUPPORTED',
      message: expect.stringMatching(/WebGPU EP cannot run every node of this graph and cpuFallback is 'forbid'/),
    });
    expect(adapter.resources()).toEqual({ sessions: 0 });
    await adapter.dispose();
  });

  it('writes ceil-mode pools as floor mode, and refuses the one it cannot before onnxruntime sees it (it would wedge the JSEP backend)', async () => {
    const state = { needsCpu: false, created: [] as string[], models: [] as Uint8Array[] };
    const adapter = createOrtWebAdapter('webgpu', { runtime: () => fakeRuntime(state) });
    await adapter.init();
    const max = ceilPool('maxPool2d');
    const compiled = await adapter.compile(max.validated, max.weights);
    // 5 wide, 2x2 stride 2: ceil mode has 3 windows, the last over column 4 only; floor mode gets them with an end pad of 1.
    const pool = decodeModel(state.models.at(-1)!).graph!.node.find((n) => n.opType === 'MaxPool')!;
    const attr = (name: string) => pool.attribute.find((a) => a.name === name);
    expect(attr('ceil_mode')?.i).toBe(0);
    expect(attr('pads')?.ints).toEqual([0, 0, 1, 1]);
    await compiled.dispose();
    const before = state.created.length;
    const avg = ceilPool('avgPool2d');
    await expect(adapter.compile(avg.validated, avg.weights)).rejects.toThrow(/AveragePool with ceil_mode=1\): onnxruntime-web 1\.30's WebGPU AveragePool kernel does not implement ceil_mode/);
    expect(state.created.length).toBe(before);
    await adapter.dispose();
  });

  it('is unavailable without navigator.gpu or without a GPU adapter', async () => {
    const state = { needsCpu: false, created: [] as string[] };
    Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
    const noGpu = createOrtWebAdapter('webgpu', { runtime: () => fakeRuntime(state) });
    await expect(noGpu.init()).rejects.toThrow(AdapterUnavailableError);
    await expect(noGpu.init()).rejects.toThrow(/navigator\.gpu is undefined/);
    Object.defineProperty(globalThis, 'navigator', { value: { gpu: { requestAdapter: async () => null } }, configurable: true, writable: true });
    await expect(createOrtWebAdapter('webgpu', { runtime: () => fakeRuntime(state) }).init()).rejects.toThrow(/requestAdapter\(\) returned null/);
  });

  it('keeps the loader’s unavailability reason', async () => {
    const adapter = createOrtWebAdapter('wasm', {
      runtime: () => {
        throw new Error('Cannot find module onnxruntime-web');
      },
      fix: 'npm install onnxruntime-web',
    });
    await expect(adapter.init()).rejects.toMatchObject({ reason: 'onnxruntime-web cannot be loaded: Cannot find module onnxruntime-web', fix: 'npm install onnxruntime-web' });
  });
});

describe('splitWideConcats (Concat on the JSEP WebGPU EP)', () => {
  it('leaves a model without a Concat over seven inputs as it is', () => {
    const { validated, weights } = wideConcat(JSEP_MAX_CONCAT_INPUTS);
    const model = exportModel(validated, weights);
    expect(splitWideConcats(model)).toBe(model);
  });

  it.each([8, 19, 60])('splits a %i-input Concat into Concats of at most seven, with the same output', (n) => {
    const { validated, weights } = wideConcat(n);
    const model = exportModel(validated, weights);
    const split = splitWideConcats(model);
    const concats = split.graph!.node.filter((node) => node.opType === 'Concat');
    expect(Math.max(...concats.map((node) => node.input.length))).toBeLessThanOrEqual(JSEP_MAX_CONCAT_INPUTS);
    // Every input is read exactly once, every partial result exactly once, and the last node writes the graph output.
    const read = concats.flatMap((node) => node.input);
    expect(new Set(read).size).toBe(read.length);
    expect(read.filter((name) => /^x\d+$/.test(name)).sort()).toEqual(Array.from({ length: n }, (_, i) => `x${i}`).sort());
    expect(concats.at(-1)!.output).toEqual(['y']);
    expect(concats.length).toBe({ 8: 2, 19: 4, 60: 12 }[n]);
    // The original model object is not touched.
    expect(model.graph!.node.filter((node) => node.opType === 'Concat').map((node) => node.input.length)).toEqual([n]);
    // Imported back and run on the float64 reference evaluator, it gives the original graph's output.
    const feeds = wideConcatFeeds(n);
    const back = importOnnx(encodeModel(split));
    expect(Array.from(evaluateGraph(back.validated, back.weights, feeds)['y']!.data as Float32Array)).toEqual(Array.from(evaluateGraph(validated, weights, feeds)['y']!.data as Float32Array));
  });

  it('refuses a limit under two inputs', () => {
    const { validated, weights } = wideConcat(8);
    expect(() => splitWideConcats(exportModel(validated, weights), 1)).toThrow(/maxInputs must be an integer of at least 2, received 1/);
  });
});

describe('weightBatches (weights to the WebGPU host process, in messages Node can deserialize)', () => {
  const w = (n: number): HostTensor => tensor('float32', [n], new Float32Array(n));
  it('groups weights in order up to the byte limit; a larger one travels alone', () => {
    const batches = weightBatches(
      [
        ['a', w(4)],
        ['b', w(4)],
        ['c', w(20)],
        ['d', w(2)],
      ],
      32,
    );
    expect(batches.map((b) => b.map(([k]) => k))).toEqual([['a', 'b'], ['c'], ['d']]);
  });
  it('copies a weight that views a larger buffer (structured clone would send all of it)', () => {
    const big = new Float32Array(1000);
    big[10] = 7;
    const view = tensor('float32', [2], big.subarray(10, 12));
    expect(view.data.buffer.byteLength).toBe(4000);
    const [[[, sent]]] = weightBatches([['v', view]], 1024) as [[[string, HostTensor]]];
    expect(sent.data.buffer.byteLength).toBe(8);
    expect(Array.from(sent.data as Float32Array)).toEqual([7, 0]);
  });
  it('refuses a weight of 2 GiB or more, naming it, its bytes and the limit', () => {
    // Only byteLength and buffer are read before the refusal, so no 2 GiB array is needed.
    const huge = { dtype: 'float32', shape: [2 ** 29], data: { byteLength: 2 ** 31, buffer: { byteLength: 2 ** 31 } } } as unknown as HostTensor;
    expect(() => weightBatches([['head.weight', huge]], 1024)).toThrow(/weight 'head\.weight' is 2147483648 bytes; Node's IPC channel to the WebGPU host process carries at most 2080374784 bytes/);
  });
});

describe('separateActivationChains (Conv + activation fusion on the JSEP WebGPU EP)', () => {
  it('puts a one-input Max between two activations where the second is the only reader of the first', () => {
    const { validated, weights } = convActivationChains();
    const model = exportModel(validated, weights);
    const out = separateActivationChains(model);
    const ops = (m: typeof model) => m.graph!.node.map((n) => n.opType).filter((op) => op !== 'Transpose');
    expect(ops(model)).toEqual(['Conv', 'Mul', 'Add', 'Relu', 'Clip', 'Clip', 'Conv', 'Sigmoid', 'Relu']);
    // Relu -> Clip, Clip -> Clip and Sigmoid -> Relu each get one copy; the Convs are untouched.
    expect(ops(out)).toEqual(['Conv', 'Mul', 'Add', 'Relu', 'Max', 'Clip', 'Max', 'Clip', 'Conv', 'Sigmoid', 'Max', 'Relu']);
    for (const max of out.graph!.node.filter((n) => n.opType === 'Max')) {
      expect(max.input).toHaveLength(1);
      const readers = out.graph!.node.filter((n) => n.input.includes(max.output[0]!));
      expect(readers).toHaveLength(1);
      expect(readers[0]!.input[0]).toBe(max.output[0]);
    }
    expect(out.graph!.output.map((v) => v.name)).toEqual(model.graph!.output.map((v) => v.name));
    expect(ops(model)).toEqual(['Conv', 'Mul', 'Add', 'Relu', 'Clip', 'Clip', 'Conv', 'Sigmoid', 'Relu']);
    // A one-input Max is the identity (ONNX's Max of one input), so reading through it gives the original graph back.
    const through = new Map(out.graph!.node.filter((n) => n.opType === 'Max').map((n) => [n.output[0]!, n.input[0]!]));
    const restored = out.graph!.node.filter((n) => n.opType !== 'Max').map((n) => ({ ...n, input: n.input.map((i) => through.get(i) ?? i) }));
    expect(restored).toEqual(model.graph!.node);
  });

  it('leaves a single activation, one read twice and one that is a graph output as they are', () => {
    const b = new GraphBuilder('no-chain');
    const x = b.input('x', [1, 2, 4, 4], { layout: 'NCHW' });
    const conv = b.node('conv2d', [x, b.weight('w', tensor('float32', [2, 2, 1, 1], [1, 0, 0, 1]))], {}, 'conv');
    const relu = b.node('relu', [conv], {}, 'relu');
    b.output(b.node('add', [b.node('sigmoid', [relu], {}, 'a'), b.node('tanh', [relu], {}, 'b')], {}, 'sum'));
    const shown = b.node('clip', [x], { min: 0, max: 6 }, 'shown');
    b.output(shown);
    b.output(b.node('sigmoid', [shown], {}, 'after_shown'));
    const { validated, weights } = b.build();
    const model = exportModel(validated, weights);
    expect(separateActivationChains(model)).toBe(model);
  });
});

describe('ort-web:webgpu host process in Node', () => {
  it('runs a graph on Dawn and exits promptly after a JSEP session (no ~28 s exit delay)', async () => {
    // 64-byte batches: the conv's weight and bias cross in separate messages, as a large model's do.
    const adapter = createOrtWebGpuProcessAdapter({ ipcBatchBytes: 64 });
    try {
      await adapter.init();
    } catch (err) {
      if (!(err instanceof AdapterUnavailableError) || requiredAdaptersFromEnv().includes(adapter.name)) throw err;
      console.warn(`skipped: ${err.message}`);
      return;
    }
    const { validated, weights } = convResidual();
    const compiled = await adapter.compile(validated, weights);
    expect(compiled.info.executionProvider).toBe('webgpu');
    expect(compiled.info.backend).toMatch(/onnxruntime-web\/all \(JSEP\) in Node through Dawn, WebGPU on /);
    const wasm = createOrtWebWasmAdapter();
    await wasm.init();
    const want = await (await wasm.compile(validated, weights)).run({ x: input });
    const got = await compiled.run({ x: input });
    expect(Array.from(got['add']!.data as Float32Array).map((v, i) => Math.abs(v - (want['add']!.data as Float32Array)[i]!) < 1e-5)).not.toContain(false);
    await wasm.dispose();
    expect(adapter.resources()).toEqual({ sessions: 1 });
    await compiled.dispose();
    expect(adapter.resources()).toEqual({ sessions: 0 });
    // Concat over seven inputs: JSEP's shader would need more storage buffers than its device
    // allows and leave the output unwritten; split, it matches the reference evaluator exactly.
    const wide = wideConcat(19);
    const wideFeeds = wideConcatFeeds(19);
    const wideCompiled = await adapter.compile(wide.validated, wide.weights);
    const wideGot = await wideCompiled.run(wideFeeds);
    expect(Array.from(wideGot['y']!.data as Float32Array)).toEqual(Array.from(evaluateGraph(wide.validated, wide.weights, wideFeeds)['y']!.data as Float32Array));
    await wideCompiled.dispose();
    // Two activations after a Conv: JSEP's fusion would keep only the last (relu6 unclipped at
    // 6, the sigmoid lost); kept apart, both outputs match the reference evaluator.
    const chains = convActivationChains();
    const chainWant = evaluateGraph(chains.validated, chains.weights, { x: chainInput });
    expect(Array.from(chainWant['relu6']!.data as Float32Array).filter((v) => v === 6).length).toBeGreaterThan(10);
    const chainCompiled = await adapter.compile(chains.validated, chains.weights);
    const chainGot = await chainCompiled.run({ x: chainInput });
    for (const name of ['relu6', 'sigmoid_relu']) {
      const w = chainWant[name]!.data as Float32Array;
      expect(Array.from(chainGot[name]!.data as Float32Array).map((v, i) => Math.abs(v - w[i]!) <= 1e-5 + 1e-5 * Math.abs(w[i]!))).not.toContain(false);
    }
    await chainCompiled.dispose();
    const start = performance.now();
    await adapter.dispose();
    expect(performance.now() - start).toBeLessThan(10_000);
    await expect(adapter.compile(validated, weights)).rejects.toBeInstanceOf(SkipconnError);
  }, 120_000);
});

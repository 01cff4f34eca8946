/**
 * Adapter behaviour: registration and availability with reasons, backend switching between
 * compiled graphs on one global tfjs engine, refusals, and edge cases where tfjs kernels differ
 * from the IR (NaN in max pooling, empty tensors).
 */
import { AdapterUnavailableError, GraphBuilder, blocks, evaluateGraph, probeAdapter, randomTensor, registeredAdapters, tensor } from '@skipconn/core';
import { createTfjsAdapter, TFJS_CPU, TFJS_NODE, TFJS_WASM, TFJS_WEBGL, TFJS_WEBGPU, type TfjsBackendSpec } from '../src';
import { initAdapter, worstError } from './helpers';

describe('registration and availability', () => {
  test('importing the package registers all five adapters', () => {
    const names = registeredAdapters().map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(['tfjs:cpu', 'tfjs:wasm', 'tfjs:webgpu', 'tfjs:webgl', 'tfjs:node']));
  });

  const unavailable: [TfjsBackendSpec, RegExp, RegExp][] = [
    [TFJS_WEBGPU, /navigator\.gpu/, /webgpu/],
    [TFJS_WEBGL, /browser/, /browser/],
    [TFJS_NODE, /neither @tensorflow\/tfjs-node nor @tensorflow\/tfjs-node-gpu/, /npm install @tensorflow\/tfjs-node/],
  ];
  test.each(unavailable.map(([spec, reason, fix]) => [spec.name, spec, reason, fix] as const))('%s is unavailable in plain Node, with the reason and the fix', async (_name, spec, reason, fix) => {
    const adapter = createTfjsAdapter(spec);
    const err = await adapter.init().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AdapterUnavailableError);
    expect((err as AdapterUnavailableError).reason).toMatch(reason);
    expect((err as AdapterUnavailableError).fix).toMatch(fix);
    const probe = await probeAdapter(spec.name);
    expect(probe.available).toBe(false);
  });

  test.each([TFJS_CPU, TFJS_WASM].map((s) => [s.name, s] as const))('%s is available', async (_name, spec) => {
    expect(await probeAdapter(spec.name)).toEqual({ name: spec.name, available: true });
  });
});

describe('one global engine, many backends', () => {
  test('graphs compiled on cpu and wasm run interleaved, each on its own backend, with no leaks', async () => {
    const b = new GraphBuilder('block');
    b.output(blocks.resnetBasicBlock(b, b.input('x', [1, 4, 6, 6], { layout: 'NCHW' }), 'block', 4, 4));
    const g = b.build();
    const cpu = await initAdapter(TFJS_CPU);
    const wasm = await initAdapter(TFJS_WASM);
    const before = cpu.resources().tensors;
    const onCpu = await cpu.compile(g.validated, g.weights);
    const onWasm = await wasm.compile(g.validated, g.weights);
    const feeds = Array.from({ length: 6 }, (_, i) => ({ x: randomTensor([1, 4, 6, 6], 20 + i) }));
    const runs = await Promise.all(feeds.flatMap((f) => [onCpu.run(f), onWasm.run(f)]));
    feeds.forEach((f, i) => {
      const want = evaluateGraph(g.validated, g.weights, f, { float64: true });
      for (const out of [runs[2 * i]!, runs[2 * i + 1]!]) {
        const name = g.graph.outputs[0]!;
        expect(worstError(out[name]!, want[name]!, 4e-5, 4e-5).excess).toBeLessThanOrEqual(0);
      }
    });
    expect(onCpu.info.backend).toBe('cpu');
    expect(onWasm.info.backend).toBe('wasm');
    await onCpu.dispose();
    await onWasm.dispose();
    expect(cpu.resources().tensors).toBe(before);
  });
});

describe('refusals and edge cases', () => {
  let adapter: Awaited<ReturnType<typeof initAdapter>>;
  beforeAll(async () => {
    adapter = await initAdapter(TFJS_WASM);
  });

  test('runs float32 and float16 (computed in float32); other dtypes are declared with a reason and refused at compile with the supported list', async () => {
    expect(adapter.whyUnsupported('conv2d', 'float32')).toBeUndefined();
    expect(adapter.whyUnsupported('conv2d', 'float16')).toBeUndefined();
    expect(adapter.whyUnsupported('conv2d', 'float64')).toMatch(/float64 is not run .*float32, float16/);
    expect(adapter.whyUnsupported('nonexistent', 'float32')).toMatch(/nonexistent/);
    const b = new GraphBuilder('f64');
    b.output(b.node('relu', [b.input('x', [2], { dtype: 'float64' })]));
    await expect(adapter.compile(b.build().validated, new Map())).rejects.toThrow(/dtype float64.*supported: float32, float16/);
  });

  test('a bad feed is refused before anything is allocated', async () => {
    const b = new GraphBuilder('relu');
    b.output(b.node('relu', [b.input('x', [2, 2])]));
    const compiled = await adapter.compile(b.build().validated, new Map());
    const before = adapter.resources();
    await expect(compiled.run({ x: randomTensor([3], 1) })).rejects.toThrow(/expected float32 \[2,2\]/);
    expect(adapter.resources()).toEqual(before);
    await compiled.dispose();
    await expect(compiled.run({ x: randomTensor([2, 2], 1) })).rejects.toThrow(/disposed/);
  });

  test.each([TFJS_CPU, TFJS_WASM].map((s) => [s.name, s] as const))('%s: NaN in a max-pool window propagates (tf.maxPool would drop it)', async (_name, spec) => {
    const a = await initAdapter(spec);
    const b = new GraphBuilder('pool');
    b.output(b.node('maxPool2d', [b.input('x', [1, 1, 2, 4], { layout: 'NCHW' })], { kernel: [2, 2], strides: [2, 2] }, 'pool'));
    const compiled = await a.compile(b.build().validated, new Map());
    const out = await compiled.run({ x: tensor('float32', [1, 1, 2, 4], [NaN, 1, 3, 0, 2, -Infinity, 5, NaN]) });
    expect(Array.from(out['pool']!.data as Float32Array)).toEqual([NaN, NaN]);
    await compiled.dispose();
  });

  test('empty tensors: zero-size outputs, empty contractions and empty spatial means', async () => {
    const b = new GraphBuilder('empty');
    const x = b.input('x', [2, 0], { layout: 'NC' });
    const w = b.weight('w', randomTensor([3, 0], 1));
    const bias = b.weight('b', randomTensor([3], 2));
    const y = b.node('dense', [x, w, bias], {}, 'dense');
    const img = b.input('img', [1, 2, 0, 3], { layout: 'NCHW' });
    const pooled = b.node('globalAvgPool', [img], {}, 'pool');
    const relu = b.node('relu', [img], {}, 'relu');
    b.output(y, pooled, relu);
    const g = b.build();
    const compiled = await adapter.compile(g.validated, g.weights);
    const feeds = { x: tensor('float32', [2, 0]), img: tensor('float32', [1, 2, 0, 3]) };
    const got = await compiled.run(feeds);
    const want = evaluateGraph(g.validated, g.weights, feeds, { float64: true });
    for (const name of ['dense', 'pool', 'relu']) {
      expect(got[name]!.shape).toEqual(want[name]!.shape);
      expect(worstError(got[name]!, want[name]!).excess).toBeLessThanOrEqual(0);
    }
    await compiled.dispose();
  });
});

/**
 * The adapter's resources and failure modes on a real device: leak counts across runs, buffers
 * returned on dispose, large tensors (chunked transfers, 2-D dispatch grids) while the main
 * thread is busy, input and dtype errors, device loss, and the benchmark's timing entry.
 */
import { GraphBuilder, SkipconnError, AdapterUnavailableError, evaluateGraph, cast, randomTensor, tensor, toFloat64 } from '@skipconn/core';
import { RUN_MARKS, createWebGpuAdapter } from '../src';
import { errorRatio, useGpu } from './gpu';

const gpu = useGpu();

function residualGraph(shape: number[]) {
  const b = new GraphBuilder('res');
  const x = b.input('x', shape);
  const f = b.input('f', shape);
  b.output(b.node('residual', [x, f], { alpha: 0.5, activation: 'relu' }, 'y'));
  return b.build();
}

describe('webgpu resources', () => {
  it('returns to its baseline after compile, runs and dispose; runs allocate nothing', async () => {
    const a = gpu.adapter;
    if (!a) return;
    const before = a.resources();
    const { validated, weights } = residualGraph([3, 5]);
    const c = await a.compile(validated, weights);
    const compiled = a.resources();
    expect(compiled['compiledGraphs']).toBe((before['compiledGraphs'] ?? 0) + 1);
    const feeds = { x: randomTensor([3, 5], 1), f: randomTensor([3, 5], 2) };
    const first = await c.run(feeds);
    for (let i = 0; i < 5; i++) await c.run(feeds);
    expect(a.resources()).toEqual(compiled);
    expect(errorRatio(await c.run(feeds), first)).toBe(0);
    await c.dispose();
    expect(a.resources()).toEqual(before);
    expect(a.stats().peakBytes).toBeGreaterThan(0);
  });

  it('serializes concurrent runs of one compiled graph', async () => {
    const a = gpu.adapter;
    if (!a) return;
    const { validated, weights } = residualGraph([64]);
    const c = await a.compile(validated, weights);
    const feeds = [1, 2, 3, 4].map((s) => ({ x: randomTensor([64], s), f: randomTensor([64], s + 10) }));
    // Twice: the second round's feeds travel in buffers the first round handed back.
    for (let round = 0; round < 2; round++) {
      const results = await Promise.all(feeds.map((f) => c.run(f)));
      results.forEach((r, i) => expect(errorRatio(r, evaluateGraph(validated, weights, feeds[i]!))).toBeLessThan(1));
    }
    await c.dispose();
  });

  it("reuses its buffers without one run's outputs showing in the next", async () => {
    const a = gpu.adapter;
    if (!a) return;
    const { validated, weights } = residualGraph([1000]);
    const c = await a.compile(validated, weights);
    const feeds = [7, 8, 7].map((s) => ({ x: randomTensor([1000], s), f: randomTensor([1000], s + 1) }));
    const copies = feeds.map((f) => Float32Array.from(f.x.data as Float32Array));
    const outs = [];
    for (const f of feeds) outs.push(await c.run(f));
    // The feeds travel in the adapter's own buffers (reused from run to run): the caller's stay as they were.
    feeds.forEach((f, i) => expect(f.x.data).toEqual(copies[i]));
    outs.forEach((o, i) => expect(errorRatio(o, evaluateGraph(validated, weights, feeds[i]!))).toBeLessThan(1));
    expect(errorRatio(outs[1]!, outs[0]!)).toBeGreaterThan(1);
    expect(errorRatio(outs[2]!, outs[0]!)).toBe(0);
    // Each run hands out arrays of its own: the caller may keep or change them.
    expect(outs[0]!['y']!.data).not.toBe(outs[2]!['y']!.data);
    await c.dispose();
  });

  it('moves 17M-element tensors (chunked transfers, a 2-D grid) while the main thread is busy', async () => {
    const a = gpu.adapter;
    if (!a) return;
    const n = 17_000_001; // odd: the scalar path, 66k workgroups of 256 exceed one grid dimension
    const { validated, weights } = residualGraph([n]);
    const c = await a.compile(validated, weights);
    const x = new Float32Array(n);
    const f = new Float32Array(n);
    // Filling element by element blocks this thread far longer than Dawn tolerates on its own thread.
    for (let i = 0; i < n; i++) {
      x[i] = (i % 1000) / 100 - 5;
      f[i] = ((i * 7) % 1000) / 100 - 5;
    }
    const pending = c.run({ x: tensor('float32', [n], x), f: tensor('float32', [n], f) });
    const until = Date.now() + 300;
    while (Date.now() < until) {
      // busy: the worker owning the device keeps going
    }
    const y = (await pending)['y']!.data as Float32Array;
    for (const i of [0, 1, 65535 * 256, n - 1]) expect(y[i]).toBeCloseTo(Math.max(0, 0.5 * x[i]! + f[i]!), 5);
    await c.dispose();
  }, 120_000);
});

// compiled.time() is the benchmark's (src/engine/timing.ts): what it returns is checked, never how long anything took.
describe('webgpu benchmark timing', () => {
  it('makes the runs it is asked for on resident inputs, and leaves the plan runnable', async () => {
    const a = gpu.adapter;
    if (!a) return;
    const { validated, weights } = residualGraph([256]);
    const c = await a.compile(validated, weights);
    const feeds = { x: randomTensor([256], 1), f: randomTensor([256], 2) };
    const t = await c.time(feeds, { reps: 3, warmup: 1, single: 2 });
    expect(t.singleMs).toHaveLength(2);
    for (const ms of [...t.singleMs, t.wallMs]) expect(Number.isFinite(ms) && ms >= 0).toBe(true);
    if (a.device!.timestamps) expect(t.gpuMs).toHaveLength(3);
    else expect(t.gpuMs).toBeNull();
    // No back-to-back runs: no wall time, no timestamps; the single-run budget still allows the first.
    const capped = await c.time(feeds, { reps: 0, warmup: 0, single: 1000, singleMaxMs: 0 });
    expect(capped.wallMs).toBeNaN();
    expect(capped.gpuMs).toBeNull();
    expect(capped.singleMs).toHaveLength(1);
    t.singleSteps.forEach((s, i) => expect(s.encode + s.submit + s.wait).toBeCloseTo(t.singleMs[i]!, 6));
    expect(errorRatio(await c.run(feeds), evaluateGraph(validated, weights, feeds))).toBeLessThan(1);
    await expect(c.time({ x: randomTensor([4], 1), f: feeds.f }, { reps: 1 })).rejects.toThrow(/input 'x': expected float32 \[256\]/);
    await c.dispose();
    await expect(c.time(feeds, { reps: 1 })).rejects.toThrow(/was disposed/);
  });
});

describe('webgpu traced runs', () => {
  it("returns run()'s outputs with every phase boundary marked, in the order a run passes them", async () => {
    const a = gpu.adapter;
    if (!a) return;
    const { validated, weights } = residualGraph([300]);
    const c = await a.compile(validated, weights);
    const feeds = { x: randomTensor([300], 3), f: randomTensor([300], 4) };
    const { outputs, marks } = await c.traceRun(feeds);
    expect(errorRatio(outputs, await c.run(feeds))).toBe(0);
    // gpuDone is observed beside the wait for the readback, so it only has to fall after the submit.
    const inOrder = RUN_MARKS.filter((m) => m !== 'gpuDone').map((m) => marks[m]);
    expect(inOrder.every((t) => t !== undefined)).toBe(true);
    for (let i = 1; i < inOrder.length; i++) expect(inOrder[i]!).toBeGreaterThanOrEqual(inOrder[i - 1]!);
    expect(marks.gpuDone!).toBeGreaterThanOrEqual(marks.submitted!);
    expect(marks.gpuDone!).toBeLessThanOrEqual(marks.returned!);
    await c.dispose();
  });
});

describe('webgpu waits for the GPU', () => {
  it('gives the same outputs with the plain await as with the paced wait (the default)', async () => {
    const a = gpu.adapter;
    if (!a) return;
    const plain = createWebGpuAdapter({ pacedWaits: false });
    await plain.init();
    try {
      const { validated, weights } = residualGraph([4096]);
      const feeds = { x: randomTensor([4096], 5), f: randomTensor([4096], 6) };
      const paced = await a.compile(validated, weights);
      const unpaced = await plain.compile(validated, weights);
      const want = evaluateGraph(validated, weights, feeds);
      for (const c of [paced, unpaced]) {
        expect(errorRatio(await c.run(feeds), want)).toBeLessThan(1);
        expect((await c.time(feeds, { reps: 2, warmup: 1, single: 2 })).singleMs).toHaveLength(2);
        await c.dispose();
      }
    } finally {
      await plain.dispose();
    }
  }, 60_000);
});

describe('webgpu errors', () => {
  it('names the input, expected and received shapes', async () => {
    const a = gpu.adapter;
    if (!a) return;
    const { validated, weights } = residualGraph([2, 2]);
    const c = await a.compile(validated, weights);
    await expect(c.run({ x: randomTensor([4], 1), f: randomTensor([2, 2], 1) })).rejects.toThrow(/input 'x': expected float32 \[2,2\]/);
    // The failed run left nothing behind: the next one maps the readback and is right.
    const feeds = { x: randomTensor([2, 2], 2), f: randomTensor([2, 2], 3) };
    expect(errorRatio(await c.run(feeds), evaluateGraph(validated, weights, feeds))).toBeLessThan(1);
    await c.dispose();
  });

  it('refuses dtypes other than float32 and float16 at compile time, naming the value', async () => {
    const a = gpu.adapter;
    if (!a) return;
    const b = new GraphBuilder();
    const x = b.input('x', [2], { dtype: 'float64' });
    b.output(b.node('relu', [x], {}, 'r'));
    const { validated, weights } = b.build();
    expect(a.whyUnsupported('relu', 'float64')).toMatch(/float64 is not run/);
    await expect(a.compile(validated, weights)).rejects.toThrow(SkipconnError);
    await expect(a.compile(validated, weights)).rejects.toThrow(/float64.*supported: float32, float16/);
  });

  it('runs float16 graphs in float32 and rounds their outputs to float16', async () => {
    const a = gpu.adapter;
    if (!a) return;
    const b = new GraphBuilder();
    const x = b.input('x', [3], { dtype: 'float16' });
    const w = b.weight('w', tensor('float16', [3], [0.1, -2, 1000]));
    b.output(b.node('residual', [x, w], {}, 'r'));
    const { validated, weights } = b.build();
    expect(a.whyUnsupported('residual', 'float16')).toBeUndefined();
    const c = await a.compile(validated, weights);
    const feeds = { x: tensor('float16', [3], [0.2, 0.5, 1000]) };
    const out = (await c.run(feeds))['r']!;
    const expected = evaluateGraph(validated, weights, feeds)['r']!;
    expect(out.dtype).toBe('float16');
    expect([...toFloat64(out)]).toEqual([...toFloat64(cast(expected, 'float16'))]);
    expect(toFloat64(out)[2]).toBe(2000);
    await c.dispose();
  });

  it('holds int32 inputs, weights and outputs bit for bit, through copies, wrapping arithmetic and casts', async () => {
    const a = gpu.adapter;
    if (!a) return;
    const b = new GraphBuilder();
    // -1 and -8388607 are NaN bit patterns as float32: a float copy could change them.
    const x = b.input('x', [2, 4], { dtype: 'int32', layout: 'NC' });
    const w = b.weight('w', tensor('int32', [2, 4], [1, 1, -1, 7, 2, -3, 5, 2147483647]));
    const sum = b.node('add', [x, w], {}, 'sum');
    const t = b.node('transpose', [sum], { perm: [1, 0] }, 't');
    const s = b.node('slice', [t], { starts: [3], ends: [-5], axes: [0], steps: [-1] }, 's');
    const j = b.node('concat', [x, sum], {}, 'j');
    const q = b.node('floorDiv', [x, w], {}, 'q');
    const f = b.node('cast', [x], { to: 'float32' }, 'f');
    const back = b.node('cast', [b.node('mul', [f, b.weight('k', tensor('float32', [1], [1.5]))], {}, 'm')], { to: 'int32' }, 'back');
    b.output(s, j, q, f, back);
    const { validated, weights } = b.build();
    const c = await a.compile(validated, weights);
    // 2147483647 + 1 wraps; 16777217 and 16777219 are not float32 values (ties round to even);
    // 2147483647 * 1.5 saturates when cast back.
    const feeds = { x: tensor('int32', [2, 4], [2147483647, -8388607, -1, 16777217, 16777219, -7, 9, 1]) };
    const out = await c.run(feeds);
    const expected = evaluateGraph(validated, weights, feeds);
    for (const name of ['s', 'j', 'q', 'back']) {
      expect(out[name]!.dtype).toBe('int32');
      expect(out[name]!.data).toBeInstanceOf(Int32Array);
      expect([...out[name]!.data]).toEqual([...toFloat64(expected[name]!)]);
    }
    expect([...out['f']!.data]).toEqual([2147483648, -8388607, -1, 16777216, 16777220, -7, 9, 1]);
    expect([...out['back']!.data]).toEqual([2147483647, -12582910, -1, 25165824, 25165830, -10, 13, 1]);
    await c.dispose();
  });

  it('casts float32 to int32 by truncation, saturating out-of-range values and giving 0 for NaN', async () => {
    const a = gpu.adapter;
    if (!a) return;
    const b = new GraphBuilder();
    const x = b.input('x', [8]);
    b.output(b.node('cast', [x], { to: 'int32' }, 'y'));
    const { validated, weights } = b.build();
    const c = await a.compile(validated, weights);
    const feeds = { x: tensor('float32', [8], [2.7, -2.7, -0, NaN, Infinity, -Infinity, 3e9, -2147483648]) };
    const y = (await c.run(feeds))['y']!;
    expect([...y.data]).toEqual([2, -2, 0, 0, 2147483647, -2147483648, 2147483647, -2147483648]);
    expect([...y.data]).toEqual([...toFloat64(evaluateGraph(validated, weights, feeds)['y']!)]);
    await c.dispose();
  });

  it('reports device loss clearly, and a new adapter works again', async () => {
    if (!gpu.adapter) return;
    const a = createWebGpuAdapter();
    await a.init();
    const { validated, weights } = residualGraph([8]);
    const c = await a.compile(validated, weights);
    await a.loseDevice();
    const err: unknown = await c.run({ x: randomTensor([8], 1), f: randomTensor([8], 2) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AdapterUnavailableError);
    expect((err as Error).message).toMatch(/device was lost.*create a new one/);
    await c.dispose();
    await a.dispose();
    const fresh = createWebGpuAdapter();
    await fresh.init();
    const again = await fresh.compile(validated, weights);
    await again.run({ x: randomTensor([8], 1), f: randomTensor([8], 2) });
    await again.dispose();
    await fresh.dispose();
  }, 60_000);
});

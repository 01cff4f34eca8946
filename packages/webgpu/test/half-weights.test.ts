/**
 * float16 weight storage (plan/half-weights.ts): which weights qualify, the packing, the WGSL
 * that reads them, and on a device:
 *  - the float32 conformance cases of dense, matmul and conv2d (ops-linear, ops-conv, blocks:
 *    tiled, matrix-vector and convolution kernels) compiled with `weightStorage: 'float16'`,
 *    against their float64 goldens within the spec's float16 tolerance (toleranceFor('float16',
 *    depth)), since rounding the weights to float16 is what that option does;
 *  - float16 graphs, whose weights are stored as float16 by default: the outputs equal those with
 *    `weightStorage: 'float32'` bit for bit (the same float32 arithmetic on the same values).
 */
import { GraphBuilder, evaluateGraph, float16BitsToNumber, randomTensor, toFloat64, validateGraph, type HostTensor } from '@skipconn/core';
import { compareValues, decodeValues, loadCases, loadGoldens, longestPath, materializeCase, toleranceFor, type LoadedCase } from '@skipconn/conformance';
import { denseShader } from '../src/kernels/dense';
import { gemvShader } from '../src/kernels/gemv';
import { halfWeightNames, packHalves } from '../src/plan/half-weights';
import { useGpu } from './gpu';

describe('float16 weight storage without a device', () => {
  it('packs two halves per word, low half first, rounding to nearest even, an odd count padded', () => {
    // 1 + 2^-11 is halfway between 1 and 1 + 2^-10: ties go to the even 0x3c00.
    const words = packHalves(new Float32Array([1, -2, 65504, 1 + 2 ** -11, Infinity]));
    expect([...words].map((w) => w.toString(16))).toEqual(['c0003c00', '3c007bff', '7c00']);
    expect(float16BitsToNumber(words[1]! & 0xffff)).toBe(65504);
  });

  it('stores a weight as float16 only when every reader reads it as a dense, matmul or conv2d weight', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [2, 8]);
    const w = b.weight('w', randomTensor([4, 8], 1));
    const bias = b.weight('bias', randomTensor([4], 2));
    const shared = b.weight('shared', randomTensor([8, 8], 3));
    const m = b.weight('m', randomTensor([4, 4], 4));
    const out = b.weight('out', randomTensor([4, 4], 5));
    const d = b.node('dense', [x, w, bias], {}, 'd');
    // `shared` is also an elementwise operand, so it must stay float32.
    const square = b.input('square', [8, 8]);
    const s = b.node('add', [b.node('matmul', [square, shared], {}, 'xs'), shared], {}, 's');
    const y = b.node('matmul', [d, m], {}, 'y');
    b.output(y, s, b.node('matmul', [y, out], {}, 'z'), out);
    const { validated } = b.build();
    expect([...halfWeightNames(validated, ['w', 'bias', 'shared', 'm', 'out', 'x'])].sort()).toEqual(['m', 'w']);
  });

  it('declares a float16 weight as u32 words and unpacks it, in scalar and vec4 loads', () => {
    const view = { b: 1, off: 0, shape: [1, 8], strides: [8, 1] };
    const dense = denseShader.generate({
      bindings: [{ access: 'read_write' }, { access: 'read', packedHalves: true }, { access: 'read' }],
      wg: 256,
      gx: 1,
      x: { ...view, b: 2 },
      out: { ...view, b: 0 },
      w: { b: 1, off: 0 },
    });
    expect(dense).toContain('var<storage, read> b1: array<u32>;');
    expect(dense).toContain('unpack2x16float(b1[e >> 1u])[e & 1u]');
    expect(dense).toMatch(/half1\(/);
    const gemv = gemvShader.generate({
      bindings: [{ access: 'read_write' }, { access: 'read', vec4: true, packedHalves: true }, { access: 'read', vec4: true }],
      wg: 256,
      gx: 1,
      batch: [],
      k: 8,
      n: 4,
      x: { b: 2, off: 0, shape: [8], strides: [1] },
      w: { b: 1, off: 0, shape: [8, 4], strides: [1, 8] },
      out: { b: 0, off: 0, shape: [4], strides: [1] },
      form: 'k',
      lanes: 1,
      vec4: true,
    });
    expect(gemv).toContain('var<storage, read> b1: array<vec2<u32>>;');
    expect(gemv).toContain('halves1(wq + q)');
  });
});

const gpu = useGpu();

/** Float32 golden cases with a dense, matmul or conv2d node. */
function productCases(): LoadedCase[] {
  return loadCases().filter(
    (c) =>
      ['ops-linear', 'ops-conv', 'blocks'].includes(c.file) &&
      c.expected === 'golden' &&
      c.graph.nodes.some((n) => ['dense', 'matmul', 'conv2d'].includes(n.op)) &&
      [...c.graph.inputs, ...c.graph.weights].every((v) => v.dtype === 'float32'),
  );
}

const float16Cases = (): LoadedCase[] => loadCases().filter((c) => c.expected === 'golden' && c.graph.weights.some((w) => w.dtype === 'float16'));

describe('float16 weight storage on a device', () => {
  it("float32 product cases with weightStorage 'float16' are within the float16 tolerance of their goldens", async () => {
    if (!gpu.adapter) return;
    const goldens = loadGoldens();
    const failures: string[] = [];
    let packedCases = 0;
    let worstRatio = 0;
    const cases = productCases();
    for (const c of cases) {
      const vg = validateGraph(c.graph);
      const { weights, feeds } = materializeCase(c);
      const compiled = await gpu.adapter.compile(vg, weights, { weightStorage: 'float16' });
      let got: Record<string, HostTensor>;
      try {
        got = await compiled.run(feeds);
      } finally {
        await compiled.dispose();
      }
      if (compiled.report.float16Weights.length > 0) packedCases++;
      const tol = toleranceFor('float16', longestPath(vg));
      for (const name of c.graph.outputs) {
        const want = decodeValues(goldens.get(c.id)!.outputs[name]!.values, c.id);
        const cmp = compareValues(toFloat64(got[name]!), want, vg.values.get(name)!.shape, tol);
        worstRatio = Math.max(worstRatio, cmp.errorRatio);
        if (!cmp.pass) failures.push(`${c.id} output ${name}: ${cmp.mismatches} of ${cmp.size} out of tolerance, got ${cmp.got}, want ${cmp.want}`);
      }
    }
    console.log(`weightStorage float16: ${cases.length} float32 product cases, ${packedCases} with float16 weights, worst error/tolerance ${worstRatio.toFixed(3)}`);
    expect(failures).toEqual([]);
    // The option must really have packed weights, on most cases (matmul cases whose right operand is an input have none).
    expect(packedCases).toBeGreaterThan(cases.length / 2);
  }, 600_000);

  it('float16 graphs store their weights as float16 by default and compute exactly what float32 storage computes', async () => {
    if (!gpu.adapter) return;
    const cases = float16Cases();
    expect(cases.length).toBeGreaterThan(0);
    let packedCases = 0;
    for (const c of cases) {
      const vg = validateGraph(c.graph);
      const { weights, feeds } = materializeCase(c);
      const results: { report: { float16Weights: readonly string[]; constantBytes: number }; out: Record<string, HostTensor> }[] = [];
      for (const weightStorage of [undefined, 'float32'] as const) {
        const compiled = await gpu.adapter.compile(vg, weights, weightStorage === undefined ? {} : { weightStorage });
        try {
          results.push({ report: compiled.report, out: await compiled.run(feeds) });
        } finally {
          await compiled.dispose();
        }
      }
      const [byDefault, asFloat32] = results as [(typeof results)[0], (typeof results)[0]];
      expect(asFloat32.report.float16Weights).toEqual([]);
      if (byDefault.report.float16Weights.length > 0) {
        packedCases++;
        expect(byDefault.report.constantBytes).toBeLessThan(asFloat32.report.constantBytes);
      }
      for (const name of c.graph.outputs) expect([c.id, name, [...byDefault.out[name]!.data]]).toEqual([c.id, name, [...asFloat32.out[name]!.data]]);
    }
    expect(packedCases).toBeGreaterThan(0);
  }, 300_000);

  it('halves the bytes of a large dense weight (gemv) and stays within the float16 tolerance', async () => {
    if (!gpu.adapter) return;
    const [k, n] = [4097, 33];
    const b = new GraphBuilder();
    const x = b.input('x', [1, k]);
    b.output(b.node('dense', [x, b.weight('w', randomTensor([n, k], 1, -1 / Math.sqrt(k), 1 / Math.sqrt(k))), b.weight('b', randomTensor([n], 2))], {}, 'd'));
    const { validated, weights } = b.build();
    const feeds = { x: randomTensor([1, k], 3) };
    const bytes: number[] = [];
    const outs: Float64Array[] = [];
    for (const weightStorage of ['float32', 'float16'] as const) {
      const compiled = await gpu.adapter.compile(validated, weights, { weightStorage });
      try {
        expect(compiled.report.kernels.map((kk) => kk.shader)).toEqual(['gemv']);
        expect(compiled.report.float16Weights).toEqual(weightStorage === 'float16' ? ['w'] : []);
        bytes.push(compiled.report.constantBytes);
        outs.push(toFloat64((await compiled.run(feeds)).d!));
      } finally {
        await compiled.dispose();
      }
    }
    // w: 4097 * 33 values, 4 bytes each vs 2 (padded to a word, buffers to 16 bytes); the bias stays float32.
    const biasBytes = 144;
    expect(bytes[0]! - biasBytes).toBe(Math.ceil((k * n * 4) / 16) * 16);
    expect(bytes[1]! - biasBytes).toBe(Math.ceil((Math.ceil((k * n) / 2) * 4) / 16) * 16);
    const cmp = compareValues(outs[1]!, outs[0]!, [1, n], toleranceFor('float16', 1));
    expect(cmp.pass).toBe(true);
  }, 120_000);

  it.each([
    // [label, x shape, matrix shape, op]: each form of the matrix-vector kernel, scalar and vec4 loads
    ['dense k=4096 (k form, vec4)', [1, 4096], [8, 4096], 'dense'],
    ['dense k=37 (k form, scalar)', [1, 37], [5, 37], 'dense'],
    ['matmul [1,300] @ [300,1000] (n form, vec4)', [1, 300], [300, 1000], 'matmul'],
    ['matmul [1,37] @ [37,50] (n form, scalar)', [1, 37], [37, 50], 'matmul'],
    ['matmul [3,37] @ [37,50] (tiled)', [3, 37], [37, 50], 'matmul'],
  ] as const)('%s with a float16 matrix is within the float16 tolerance of the reference', async (_label, xShape, wShape, op) => {
    if (!gpu.adapter) return;
    const b = new GraphBuilder();
    const x = b.input('x', xShape);
    b.output(b.node(op, [x, b.weight('w', randomTensor(wShape, 1))], {}, 'y'));
    const { validated, weights } = b.build();
    const feeds = { x: randomTensor(xShape, 2) };
    const compiled = await gpu.adapter.compile(validated, weights, { weightStorage: 'float16' });
    try {
      expect(compiled.report.float16Weights).toEqual(['w']);
      expect(compiled.report.kernels.map((kk) => kk.shader)).toEqual([xShape[0] === 1 ? 'gemv' : op]);
      const got = await compiled.run(feeds);
      const want = evaluateGraph(validated, weights, feeds);
      const cmp = compareValues(toFloat64(got.y!), toFloat64(want.y!), want.y!.shape, toleranceFor('float16', 1));
      expect([cmp.mismatches, cmp.errorRatio < 1]).toEqual([0, true]);
    } finally {
      await compiled.dispose();
    }
  });

  it('rejects an unknown weightStorage naming the accepted values', async () => {
    if (!gpu.adapter) return;
    const b = new GraphBuilder();
    b.output(b.node('dense', [b.input('x', [1, 4]), b.weight('w', randomTensor([2, 4], 1))], {}, 'd'));
    const { validated, weights } = b.build();
    await expect(gpu.adapter.compile(validated, weights, { weightStorage: 'bfloat16' as 'float16' })).rejects.toThrow("webgpu: compile option weightStorage must be 'float32' or 'float16', received \"bfloat16\"");
  });

  it("refuses weightStorage 'float16' for a weight that float16 would turn into Infinity, and stores it as float32 otherwise", async () => {
    if (!gpu.adapter) return;
    const b = new GraphBuilder();
    const big = new Float32Array([0.5, -1, 2, 70000, 3, -4, 1, 0.25]);
    b.output(b.node('dense', [b.input('x', [1, 4]), b.weight('w', { dtype: 'float32', shape: [2, 4], data: big })], {}, 'd'));
    const { validated, weights } = b.build();
    await expect(gpu.adapter.compile(validated, weights, { weightStorage: 'float16' })).rejects.toThrow(
      "webgpu: weight 'w' holds 70000 at element 3, beyond float16's range (largest finite 65504), so weightStorage 'float16' would store it as Infinity; compile with weightStorage: 'float32'",
    );
    const compiled = await gpu.adapter.compile(validated, weights, { weightStorage: 'float32' });
    const x: HostTensor = { dtype: 'float32', shape: [1, 4], data: new Float32Array([1, 1, 1, 1]) };
    expect([...toFloat64((await compiled.run({ x })).d!)]).toEqual([...toFloat64(evaluateGraph(validated, weights, { x }).d!)].map(Math.fround));
    await compiled.dispose();
  });
});

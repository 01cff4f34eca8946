/**
 * The matrix-vector kernel (kernels/gemv.ts) against the reference evaluator: dense and matmul
 * products with one row, at sizes that hit its edges (k shorter than the lanes of one column, k
 * not a multiple of 4 or of the workgroup, many columns), with a fused epilogue and on strided or
 * misaligned views; each is also compiled with `gemv: false` (the tiled GEMM) to check that the
 * option picks the kernel it names.
 */
import { GraphBuilder, randomTensor, type BuiltGraph, type HostTensor } from '@skipconn/core';
import { planGemv } from '../src/kernels/gemv';
import { checkAgainstReference, useGpu } from './gpu';

const gpu = useGpu();

async function both(g: BuiltGraph, feeds: Record<string, HostTensor>, label: string, k: number, tiled: 'dense' | 'matmul'): Promise<void> {
  const adapter = gpu.adapter!;
  const report = await checkAgainstReference(adapter, g.validated, g.weights, feeds, {}, k);
  expect(report.kernels.filter((x) => x.label === label).map((x) => x.shader)).toEqual(['gemv']);
  const old = await checkAgainstReference(adapter, g.validated, g.weights, feeds, { gemv: false }, k);
  expect(old.kernels.filter((x) => x.label === label).map((x) => x.shader)).toEqual([tiled]);
}

describe('gemv: dense with one row', () => {
  it.each([
    // [k, n]: k < the lanes of a column, k odd (scalar loads), k a multiple of 4 but not of 256, k > 256 * 8, many columns
    [3, 5],
    [37, 1],
    [37, 300],
    [1000, 17],
    [4100, 9],
    // 256 lanes per column: partial sums added in two stages
    [8201, 3],
    [64, 5000],
    // no in-features: the output is the bias
    [0, 6],
  ])('k=%i, n=%i, bias', async (k, n) => {
    if (!gpu.adapter) return;
    const b = new GraphBuilder();
    const x = b.input('x', [1, k]);
    const w = b.weight('w', randomTensor([n, k], 1));
    const bias = b.weight('b', randomTensor([n], 2));
    b.output(b.node('dense', [x, w, bias], {}, 'd'));
    await both(b.build(), { x: randomTensor([1, k], 3) }, 'd', k, 'dense');
  });

  it('rank 3 input [1, 1, k] without bias, relu and a residual add fused', async () => {
    if (!gpu.adapter) return;
    const k = 300;
    const n = 70;
    const b = new GraphBuilder();
    const x = b.input('x', [1, 1, k]);
    const s = b.input('s', [1, 1, n]);
    const w = b.weight('w', randomTensor([n, k], 1));
    const d = b.node('dense', [x, w], {}, 'd');
    b.output(b.node('residual', [s, d], { activation: 'relu' }, 'y'));
    await both(b.build(), { x: randomTensor([1, 1, k], 3), s: randomTensor([1, 1, n], 4) }, 'd+y', k, 'dense');
  });

  it('x at an odd offset of a concat buffer (no vec4 loads), writing into another concat', async () => {
    if (!gpu.adapter) return;
    const k = 64;
    const n = 33;
    const b = new GraphBuilder();
    const p = b.input('p', [1, 3], { layout: 'NC' });
    const x = b.input('x', [1, k], { layout: 'NC' });
    const a = b.node('relu', [x], {}, 'a');
    const joined = b.node('concat', [b.node('tanh', [p], {}, 'pt'), a], {}, 'joined');
    const w = b.weight('w', randomTensor([n, k], 1));
    const bias = b.weight('b', randomTensor([n], 2));
    const y = b.node('concat', [b.node('sigmoid', [p], {}, 'ps'), b.node('dense', [a, w, bias], {}, 'd')], {}, 'y');
    b.output(y, joined);
    await both(b.build(), { p: randomTensor([1, 3], 3), x: randomTensor([1, k], 4) }, 'd', k, 'dense');
  });
});

describe('gemv: matmul with one row', () => {
  it.each([
    ['[1,37] @ [37,50]', [1, 37], [37, 50]],
    ['[1,300] @ [300,1000] (vec4 columns)', [1, 300], [300, 1000]],
    ['[1,8] @ [8,3]', [1, 8], [8, 3]],
    ['[300] @ [300,6] (rank-1 left)', [300], [300, 6]],
    ['[1,300] @ [300] (one column: k split)', [1, 300], [300]],
    ['[2,1,1,40] @ [3,40,12] (broadcast batch)', [2, 1, 1, 40], [3, 40, 12]],
  ])('%s with a fused gelu', async (_name, sa, sb) => {
    if (!gpu.adapter) return;
    const b = new GraphBuilder();
    const a = b.input('a', sa as number[]);
    const m = b.input('b', sb as number[]);
    b.output(b.node('gelu', [b.node('matmul', [a, m], {}, 'mm')], {}, 'act'));
    const k = (sa as number[])[(sa as number[]).length - 1]!;
    await both(b.build(), { a: randomTensor(sa as number[], 1), b: randomTensor(sb as number[], 2) }, 'mm+act', k, 'matmul');
  });

  it('a column slice of a concat as the matrix (row stride != n, odd offset)', async () => {
    if (!gpu.adapter) return;
    const k = 20;
    const b = new GraphBuilder();
    const a = b.input('a', [1, k]);
    const m1 = b.input('m1', [k, 3], { layout: 'NC' });
    const m2 = b.input('m2', [k, 8], { layout: 'NC' });
    const r1 = b.node('relu', [m1], {}, 'r1');
    const r2 = b.node('tanh', [m2], {}, 'r2');
    const joined = b.node('concat', [r1, r2], {}, 'joined');
    b.output(b.node('matmul', [a, r2], {}, 'mm'), joined);
    await both(b.build(), { a: randomTensor([1, k], 1), m1: randomTensor([k, 3], 2), m2: randomTensor([k, 8], 3) }, 'mm', k, 'matmul');
  });
});

describe('planGemv (no GPU)', () => {
  const view = (b: number, off: number, shape: number[], strides: number[]) => ({ b, off, shape, strides });

  it("dense's weight (contiguous along k) splits k across the lanes of a column, in vec4s when aligned", () => {
    const k = 25088;
    const p = planGemv([], k, 4096, view(0, 0, [k], [1]), view(1, 0, [k, 4096], [1, k]), [2]);
    expect(p).toMatchObject({ form: 'k', lanes: 256, vec4: true, groups: 4096 });
    expect([...p.vecBindings].sort()).toEqual([0, 1]);
    // Short rows: several columns per workgroup.
    expect(planGemv([], 512, 1000, view(0, 0, [512], [1]), view(1, 0, [512, 1000], [1, 512]), [2])).toMatchObject({ form: 'k', lanes: 4, vec4: true, groups: 16 });
  });

  it('falls back to scalar loads on an odd offset, an odd k, or a vec4 binding also read one float at a time', () => {
    expect(planGemv([], 64, 33, view(0, 3, [64], [1]), view(1, 0, [64, 33], [1, 64]), [2]).vec4).toBe(false);
    expect(planGemv([], 37, 33, view(0, 0, [37], [1]), view(1, 0, [37, 33], [1, 37]), [2]).vec4).toBe(false);
    // x in the buffer the output is written to (a read_write binding shared with the output).
    expect(planGemv([], 64, 33, view(0, 0, [64], [1]), view(1, 0, [64, 33], [1, 64]), [0]).vec4).toBe(false);
  });

  it("matmul's [k, n] matrix walks columns side by side, k split across the rest of the workgroup", () => {
    expect(planGemv([], 300, 1000, view(0, 0, [300], [1]), view(1, 0, [300, 1000], [1000, 1]), [2])).toMatchObject({ form: 'n', lanes: 16, vec4: true, groups: 16 });
    // A column slice at offset 3 of an [k, 11] buffer: scalar loads.
    expect(planGemv([], 20, 8, view(0, 0, [20], [1]), view(1, 3, [20, 8], [11, 1]), [2])).toMatchObject({ form: 'n', lanes: 32, vec4: false, groups: 1 });
    // One column: k is split whatever the strides.
    expect(planGemv([], 300, 1, view(0, 0, [300], [1]), view(1, 0, [300, 1], [1, 0]), [2]).form).toBe('k');
    // Batches multiply the workgroups.
    expect(planGemv([2, 3], 40, 12, view(0, 0, [2, 3, 40], [0, 0, 1]), view(1, 0, [2, 3, 40, 12], [0, 480, 12, 1]), [2])).toMatchObject({ form: 'n', vec4: true, groups: 6 });
  });
});

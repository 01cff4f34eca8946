/**
 * The topK kernels beyond the conformance cases, bit for bit against the reference evaluator:
 * rows on both sides of the rank kernel's limit (256) and past the selection kernel's 1024-rank
 * window, ties that straddle k and the window edges (so the index passes of the selection run),
 * int32 extremes, subnormals, -0 beside +0, strided inputs (concat members) and centernet's row
 * of 1310720 elements.
 */
import { GraphBuilder, evaluateGraph, seededRandom, tensor, type HostTensor } from '@skipconn/core';
import { TOP_K_RANK_MAX, TOP_K_WINDOW } from '../src/kernels/top-k';
import { expectSame, useGpu } from './gpu';

const gpu = useGpu();

async function check(x: HostTensor, k: number, graph?: (b: GraphBuilder, x: string) => string, layout?: 'NCHW'): Promise<void> {
  const a = gpu.adapter;
  if (!a) return;
  const b = new GraphBuilder();
  const input = b.input('x', [...x.shape], { dtype: x.dtype, ...(layout ? { layout } : {}) });
  b.output(...b.nodeOutputs('topK', [graph ? graph(b, input) : input], { k }, 'top', 2));
  const { validated, weights } = b.build();
  const compiled = await a.compile(validated, weights);
  try {
    expectSame(await compiled.run({ x }), evaluateGraph(validated, weights, { x }));
  } finally {
    await compiled.dispose();
  }
}

/** Values drawn from `choices` (many ties), seeded. */
function ties(shape: number[], choices: readonly number[], seed: number, dtype: 'float32' | 'int32' = 'float32'): HostTensor {
  const r = seededRandom(seed);
  const n = shape.reduce((p, d) => p * d, 1);
  return tensor(
    dtype,
    shape,
    Array.from({ length: n }, () => choices[Math.floor(r() * choices.length)]!),
  );
}

const smallInts = [-3, -2, -1, 0, 1, 2, 3];

describe('webgpu topK', () => {
  it.each([
    [[1, 1], 1],
    [[3, 2], 1],
    [[2, 255], 255],
    [[2, 256], 17],
    [[2, 257], 256],
    [[5, 1000], 1],
    [[2, 700], 700],
  ])('rows of %j with few distinct values, k = %i', async (shape, k) => {
    await check(ties(shape, smallInts, shape[1]! + k), k);
  });

  it('k beyond one window of ranks, with ties across the window edges and at k', async () => {
    expect(TOP_K_WINDOW).toBe(1024);
    // 40 distinct values in 3000 elements: about 75 of each, so ranks 1024, 2048 and k fall inside runs of equal values.
    const choices = Array.from({ length: 40 }, (_, i) => i - 20);
    await check(ties([2, 3000], choices, 5), 2500);
    await check(ties([1, 3000], choices, 6), 3000);
    await check(ties([1, 2100], choices, 7, 'int32'), 2049);
  });

  it('int32 extremes and ties, the lower index first', async () => {
    await check(ties([3, 600], [-2147483648, -1, 0, 1, 2147483647], 8, 'int32'), 400);
    await check(ties([5, 200], [-2147483648, -1, 0, 1, 2147483647], 16, 'int32'), 150);
  });

  it('-0 ties with +0, subnormals and infinities keep their order and bits', async () => {
    const specials = [0, -0, 1e-40, -1e-40, 1.4e-45, -1.4e-45, Infinity, -Infinity, 3.4028234663852886e38, -3.4028234663852886e38, 1, -1];
    await check(ties([4, 500], specials, 9), 300);
    await check(ties([6, 120], specials, 15), 50);
  });

  it.each([
    [[2, 3, 4, 5], 3],
    [[2, 3, 2, 300], 40],
  ])('reads strided rows (an input hosted in a batch-2 concat slice) of %j, k = %i', async (shape, k) => {
    const r = seededRandom(10);
    const x = tensor(
      'float32',
      shape,
      Array.from({ length: shape.reduce((p, d) => p * d, 1) }, () => Math.round(r() * 8) / 4),
    );
    await check(
      x,
      k,
      (b, input) => {
        const relu = b.node('relu', [input], {}, 'r');
        const joined = b.node('concat', [relu, input], {}, 'c');
        b.output(joined);
        return relu;
      },
      'NCHW',
    );
  });

  it('many short rows (the rank kernel) and rows one past it (the selection kernel)', async () => {
    expect(TOP_K_RANK_MAX).toBe(256);
    await check(ties([300, 40], smallInts, 12), 7);
    await check(ties([3, 256], smallInts, 13), 256);
    await check(ties([3, 257], smallInts, 14), 257);
  });

  it("centernet's row: 100 of 1310720 heatmap scores", async () => {
    const r = seededRandom(11);
    // Scores on a 1/4096 grid in [0, 1): about 320 elements share each value, so the 100th rank is inside a run of ties.
    const x = tensor(
      'float32',
      [1, 1310720],
      Array.from({ length: 1310720 }, () => Math.floor(r() * 4096) / 4096),
    );
    await check(x, 100);
  }, 120_000);
});

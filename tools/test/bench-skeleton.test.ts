import { GraphBuilder, evaluateGraph, randomTensor } from '@skipconn/core';
import { decodeModel, encodeModel, exportModel, importModel, tensorFromProto, type ModelProto } from '@skipconn/onnx';
import { SKELETON_KEY, drawTensor, makeSkeleton, refillSkeleton, skeletonInfo } from '../bench/models/skeleton';

/** dense [8, 64] -> 32 (a [32, 64] weight of 2048 elements, dropped) + a 32-element bias (kept), then relu. */
function model(): ModelProto {
  const b = new GraphBuilder('skeleton-test');
  const x = b.input('x', [8, 64]);
  const w = b.weight('w', randomTensor([32, 64], 7, -0.5, 1.5));
  const bias = b.weight('bias', randomTensor([32], 8));
  b.output(b.node('relu', [b.node('dense', [x, w, bias], {}, 'fc')], {}, 'y'));
  const { validated, weights } = b.build();
  return exportModel(validated, weights);
}

const initializer = (m: ModelProto, name: string) => m.graph!.initializer.find((t) => t.name.endsWith(name))!;

describe('bench model skeletons', () => {
  it('drops large float initializers, keeps dims, small tensors and their statistics', () => {
    const full = model();
    const { model: skeleton, info } = makeSkeleton(full, 'test.onnx');
    const decoded = decodeModel(encodeModel(skeleton), 'skeleton.onnx');
    const names = Object.keys(skeletonInfo(decoded)!.tensors);
    expect(names).toHaveLength(1);
    const dropped = decoded.graph!.initializer.find((t) => t.name === names[0])!;
    expect(dropped.dims).toEqual([32, 64]);
    expect(dropped.rawData === undefined || dropped.rawData.length === 0).toBe(true);
    expect(dropped.floatData).toHaveLength(0);
    // The bias is below the threshold: byte for byte as exported.
    const bias = initializer(full, 'bias');
    expect(Array.from(tensorFromProto(initializer(decoded, 'bias'), 'x').data as Float32Array)).toEqual(Array.from(tensorFromProto(bias, 'x').data as Float32Array));
    // Statistics of the exported weight, computed here independently.
    const w = tensorFromProto(initializer(full, names[0]!), 'x').data as Float32Array;
    const mean = w.reduce((a, v) => a + v, 0) / w.length;
    const std = Math.sqrt(w.reduce((a, v) => a + (v - mean) ** 2, 0) / w.length);
    const stats = info.tensors[names[0]!]!;
    expect(stats.mean).toBeCloseTo(mean, 10);
    expect(stats.std).toBeCloseTo(std, 10);
    expect(stats.min).toBe(Math.min(...w));
    expect(stats.max).toBe(Math.max(...w));
    expect(info.droppedBytes).toBe(64 * 32 * 4);
    expect(() => makeSkeleton(skeleton, 'skeleton.onnx')).toThrow(/already a skeleton/);
  });

  it('refills deterministically from the recorded statistics, and the result imports and runs', () => {
    const { model: skeleton, info } = makeSkeleton(model(), 'test.onnx');
    const a = refillSkeleton(skeleton, 's.onnx', 1);
    const b = refillSkeleton(decodeModel(encodeModel(skeleton), 's.onnx'), 's.onnx', 1);
    const c = refillSkeleton(skeleton, 's.onnx', 2);
    const name = Object.keys(info.tensors)[0]!;
    const values = (m: ModelProto) => tensorFromProto(initializer(m, name), 'x').data as Float32Array;
    expect(Array.from(values(a))).toEqual(Array.from(values(b)));
    expect(Array.from(values(a))).not.toEqual(Array.from(values(c)));
    expect(a.metadataProps.some((e) => e.key === SKELETON_KEY)).toBe(false);
    const r = importModel(a, { file: 'refilled.onnx' });
    const y = evaluateGraph(r.validated, r.weights, { x: randomTensor([8, 64], 3) });
    expect(Object.values(y)[0]!.shape).toEqual([8, 32]);
    expect(() => refillSkeleton(model(), 'plain.onnx', 1)).toThrow(/not a skeleton/);
  });

  it('draws normal values with the requested mean and std, clamped to [min, max]', () => {
    const stats = { mean: 1, std: 0.3, min: 0.5, max: 1.5 };
    const v = drawTensor(100_001, stats, 42);
    const mean = v.reduce((s, x) => s + x, 0) / v.length;
    const std = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length);
    expect(Math.abs(mean - 1)).toBeLessThan(0.01);
    // Clamping at 1.67 sigma narrows the spread: between 0.8x and 1x of the requested std.
    expect(std).toBeGreaterThan(0.24);
    expect(std).toBeLessThan(0.3);
    expect(Math.min(...v)).toBeGreaterThanOrEqual(0.5);
    expect(Math.max(...v)).toBeLessThanOrEqual(1.5);
    const wide = drawTensor(100_000, { mean: -2, std: 0.5, min: -100, max: 100 }, 1);
    const m2 = wide.reduce((s, x) => s + x, 0) / wide.length;
    expect(Math.abs(m2 + 2)).toBeLessThan(0.01);
    expect(Math.sqrt(wide.reduce((s, x) => s + (x - m2) ** 2, 0) / wide.length)).toBeCloseTo(0.5, 2);
  });
});

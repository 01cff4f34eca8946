/// <reference types="@webgpu/types" />
/**
 * Exercises createSkipKernels on a raw GPUDevice, the way a WebGPU programmer would, inside a
 * worker thread that owns the Dawn device. Posts one result per check: the largest absolute error
 * against plain JavaScript arithmetic, or the reason the device is unavailable.
 */
import { parentPort } from 'node:worker_threads';
import { channelSlice, createSkipKernels } from '../src';
import { openDevice } from '../src/node/open-device';
import { BufferUsage, MapMode } from '../src/engine/gpu-constants';

export interface CheckResult {
  readonly name: string;
  readonly maxAbsError: number;
}

export type WorkerMessage = { readonly unavailable: string } | { readonly results: readonly CheckResult[] } | { readonly error: string };

function data(n: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    a[i] = (s / 2147483648) * 4 - 2;
  }
  return a;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

async function main(): Promise<WorkerMessage> {
  let engine;
  try {
    engine = await openDevice();
  } catch (err) {
    return { unavailable: err instanceof Error ? err.message : String(err) };
  }
  const device = engine.device;
  const buffer = (values: Float32Array | number): GPUBuffer => {
    const n = typeof values === 'number' ? values : values.length;
    const b = device.createBuffer({ size: Math.max(16, n * 4), usage: BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST });
    if (typeof values !== 'number') device.queue.writeBuffer(b, 0, values.buffer as ArrayBuffer, values.byteOffset, values.byteLength);
    return b;
  };
  const read = async (b: GPUBuffer, n: number, offset = 0): Promise<Float32Array> => {
    const staging = device.createBuffer({ size: n * 4, usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST });
    const enc = device.createCommandEncoder();
    enc.copyBufferToBuffer(b, offset, staging, 0, n * 4);
    device.queue.submit([enc.finish()]);
    await staging.mapAsync(MapMode.READ);
    const out = new Float32Array(staging.getMappedRange().slice(0));
    staging.destroy();
    return out;
  };
  const run = (...kernels: { encode(t: GPUCommandEncoder): void }[]): void => {
    const enc = device.createCommandEncoder();
    kernels.forEach((k) => k.encode(enc));
    device.queue.submit([enc.finish()]);
  };
  const maxErr = (got: Float32Array, want: (i: number) => number): number => {
    let m = 0;
    for (let i = 0; i < got.length; i++) m = Math.max(m, Math.abs(got[i]! - want(i)));
    return m;
  };
  const k = createSkipKernels(device);
  const results: CheckResult[] = [];

  {
    // 1001 elements: the scalar path. y = relu(0.5 x + 2 f)
    const n = 1001;
    const x = data(n, 1);
    const f = data(n, 2);
    const [bx, bf, by] = [buffer(x), buffer(f), buffer(n)];
    const r = await k.residual(bx, bf, by, { count: n, alpha: 0.5, beta: 2, activation: 'relu' });
    run(r);
    results.push({ name: 'residual scalar path', maxAbsError: maxErr(await read(by, n), (i) => Math.max(0, 0.5 * x[i]! + 2 * f[i]!)) });
  }
  {
    // In place (out = x), vec4 path, LayerScale-style per-channel beta and a per-channel bias on the body.
    const shape = [1, 4, 8, 8];
    const n = 256;
    const x = data(n, 3);
    const f = data(n, 4);
    const gamma = new Float32Array([0.1, 0.2, 0.3, 0.4]);
    const bias = new Float32Array([1, -1, 0.5, 0]);
    const [bx, bf] = [buffer(x), buffer(f)];
    const r = await k.residual(bx, bf, bx, { shape, layout: 'NCHW', beta: gamma, bias });
    run(r);
    const c = (i: number) => Math.floor(i / 64);
    results.push({ name: 'residual in place, per-channel beta + bias', maxAbsError: maxErr(await read(bx, n), (i) => x[i]! + gamma[c(i)]! * (f[i]! + bias[c(i)]!)) });
    r.dispose();
  }
  {
    const n = 777;
    const [x, h, t] = [data(n, 5), data(n, 6), data(n, 7)];
    const [bx, bh, bt, by] = [buffer(x), buffer(h), buffer(t), buffer(n)];
    run(await k.highway(bx, bh, bt, by, { count: n }));
    results.push({ name: 'highway coupled', maxAbsError: maxErr(await read(by, n), (i) => sigmoid(t[i]!) * h[i]! + (1 - sigmoid(t[i]!)) * x[i]!) });
  }
  {
    // SE: y = relu(s + x * g[n, c]) over NCHW [2, 3, 4, 5], g [2, 3, 1, 1].
    const shape = [2, 3, 4, 5];
    const n = 120;
    const [x, s, g] = [data(n, 8), data(n, 9), data(6, 10)];
    const [bx, bs, bg, by] = [buffer(x), buffer(s), buffer(g), buffer(n)];
    run(await k.gate(bx, bg, by, { shape, layout: 'NCHW', broadcast: ['spatial'], residual: { shortcut: bs, activation: 'relu' } }));
    results.push({ name: 'SE gate fused with the residual add', maxAbsError: maxErr(await read(by, n), (i) => Math.max(0, s[i]! + x[i]! * g[Math.floor(i / 20)]!)) });
  }
  {
    // NHWC [1,2,3,2] + [1,2,3,1] -> [1,2,3,3], written 16 bytes into a larger buffer; both kernels in one pass.
    const a = data(12, 11);
    const b = data(6, 12);
    const [ba, bb, out] = [buffer(a), buffer(b), buffer(4 + 18)];
    const cat = await k.concatInto(
      [
        { src: ba, shape: [1, 2, 3, 2] },
        { src: bb, shape: [1, 2, 3, 1] },
      ],
      { buffer: out, offset: 16 },
      { layout: 'NHWC' },
    );
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    cat.encode(pass);
    pass.end();
    device.queue.submit([enc.finish()]);
    results.push({ name: 'concatInto NHWC at an offset', maxAbsError: maxErr(await read(out, 18, 16), (i) => (i % 3 < 2 ? a[Math.floor(i / 3) * 2 + (i % 3)]! : b[Math.floor(i / 3)]!)) });
  }
  {
    const nchw = channelSlice([1, 6, 4, 4], 'NCHW', 2, 3);
    const nhwc = channelSlice([1, 4, 4, 6], 'NHWC', 2, 3);
    results.push({ name: 'channelSlice', maxAbsError: nchw.contiguous && nchw.offset === 2 * 16 * 4 && !nhwc.contiguous && nhwc.offset === 8 ? 0 : 1 });
  }
  k.dispose();
  await engine.destroy();
  return { results };
}

main().then(
  (m) => parentPort!.postMessage(m),
  (err: unknown) => parentPort!.postMessage({ error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
);

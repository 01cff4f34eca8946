/**
 * Test helper: one `webgpu` adapter per file, created in beforeAll. When no WebGPU adapter exists
 * here (no Dawn, no Vulkan driver) the reason is printed once and each GPU test returns early;
 * REQUIRE_ADAPTERS=webgpu (CI) makes that a failure instead.
 */
import { AdapterUnavailableError, evaluateGraph, type HostTensor, type ValidatedGraph, type WeightStore } from '@skipconn/core';
import { createWebGpuAdapter, type WebGpuAdapter, type WebGpuCompileOptions } from '../src';

export interface GpuContext {
  /** The adapter, or undefined when unavailable (the test should return). */
  readonly adapter: WebGpuAdapter | undefined;
}

export function useGpu(): GpuContext {
  const ctx: { adapter: WebGpuAdapter | undefined } = { adapter: undefined };
  beforeAll(async () => {
    const a = createWebGpuAdapter({ checkShaderKeys: true });
    try {
      await a.init();
      ctx.adapter = a;
    } catch (err) {
      await a.dispose();
      const required = (process.env['REQUIRE_ADAPTERS'] ?? '').split(',').map((s) => s.trim());
      if (!(err instanceof AdapterUnavailableError) || required.includes('webgpu')) throw err;
      console.warn(`webgpu tests skipped: ${err.message}`);
    }
  }, 60_000);
  afterAll(async () => {
    await ctx.adapter?.dispose();
  });
  return ctx;
}

/** Largest |got - want| / (1e-5 + 1e-5*|want|) over all outputs (< 1 passes the suite's float32 tolerance); NaN must match NaN. */
export function errorRatio(got: Record<string, HostTensor>, want: Record<string, HostTensor>, depth = 1): number {
  let worst = 0;
  const f = Math.sqrt(Math.max(1, depth));
  for (const [name, w] of Object.entries(want)) {
    const g = got[name]!;
    expect(g.shape).toEqual(w.shape);
    for (let i = 0; i < w.data.length; i++) {
      const a = Number(g.data[i]);
      const b = Number(w.data[i]);
      if (Number.isNaN(b) || !Number.isFinite(b)) {
        if (!(Number.isNaN(b) ? Number.isNaN(a) : a === b)) return Infinity;
        continue;
      }
      worst = Math.max(worst, Math.abs(a - b) / (f * (1e-5 + 1e-5 * Math.abs(b))));
    }
  }
  return worst;
}

/** Compiles, runs once, compares with the reference evaluator, disposes; returns the report. */
export async function checkAgainstReference(adapter: WebGpuAdapter, vg: ValidatedGraph, weights: WeightStore, feeds: Record<string, HostTensor>, options: WebGpuCompileOptions = {}, depth = 1) {
  const compiled = await adapter.compile(vg, weights, options);
  try {
    const got = await compiled.run(feeds);
    const want = evaluateGraph(vg, weights, feeds);
    expect(errorRatio(got, want, depth)).toBeLessThan(1);
    return compiled.report;
  } finally {
    await compiled.dispose();
  }
}

/** Every output element with the same value (Object.is: -0 is not +0, NaN is NaN). */
export function expectSame(got: Record<string, HostTensor>, want: Record<string, HostTensor>): void {
  for (const [name, w] of Object.entries(want)) {
    const g = got[name]!;
    expect(g.shape).toEqual(w.shape);
    expect(g.dtype).toBe(w.dtype);
    let bad = -1;
    for (let i = 0; i < w.data.length && bad < 0; i++) if (!Object.is(Number(g.data[i]), Number(w.data[i]))) bad = i;
    if (bad >= 0) throw new Error(`${name}[${bad}]: got ${Number(g.data[bad])}, want ${Number(w.data[bad])}`);
  }
}

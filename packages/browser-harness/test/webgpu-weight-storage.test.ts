/**
 * The webgpu adapter's float16 weight storage inside Chromium (WebGPU on SwiftShader there):
 * the float32 dense, matmul and conv2d cases of ops-linear and ops-conv compiled with
 * `weightStorage: 'float16'` (the compile option crosses to the page), against their float64
 * goldens within the spec's float16 tolerance. Node runs the same check on more cases
 * (packages/webgpu/test/half-weights.test.ts), where the plan report also shows what was packed;
 * here the outputs differing from float32 storage's show that the option reached the page.
 */
import { AdapterUnavailableError, toFloat64, validateGraph, type Adapter, type HostTensor } from '@skipconn/core';
import { compareValues, decodeValues, loadCases, loadGoldens, longestPath, materializeCase, requiredAdaptersFromEnv, toleranceFor } from '@skipconn/conformance';
import { createBrowserAdapter } from '@skipconn/browser-harness';

describe('webgpu@chromium: float16 weight storage', () => {
  const adapter: Adapter = createBrowserAdapter('webgpu');
  let unavailable: string | undefined;
  beforeAll(async () => {
    try {
      await adapter.init();
    } catch (err) {
      if (!(err instanceof AdapterUnavailableError) || requiredAdaptersFromEnv().includes(adapter.name)) throw err;
      unavailable = err.message;
      console.warn(`skipped: ${unavailable}`);
    }
  }, 120_000);
  afterAll(() => adapter.dispose());

  it("float32 product cases with weightStorage 'float16' are within the float16 tolerance of their goldens", async () => {
    if (unavailable !== undefined) return;
    const goldens = loadGoldens();
    const cases = loadCases().filter(
      (c) =>
        ['ops-linear', 'ops-conv'].includes(c.file) &&
        c.expected === 'golden' &&
        c.graph.nodes.some((n) => ['dense', 'matmul', 'conv2d'].includes(n.op)) &&
        [...c.graph.inputs, ...c.graph.weights].every((v) => v.dtype === 'float32'),
    );
    const failures: string[] = [];
    let differing = 0;
    for (const c of cases) {
      const vg = validateGraph(c.graph);
      const { weights, feeds } = materializeCase(c);
      const outs: Record<string, HostTensor>[] = [];
      for (const weightStorage of ['float16', 'float32'] as const) {
        const compiled = await adapter.compile(vg, weights, { weightStorage });
        try {
          outs.push(await compiled.run(feeds));
        } finally {
          await compiled.dispose();
        }
      }
      const [half, full] = outs as [Record<string, HostTensor>, Record<string, HostTensor>];
      const tol = toleranceFor('float16', longestPath(vg));
      for (const name of c.graph.outputs) {
        const cmp = compareValues(toFloat64(half[name]!), decodeValues(goldens.get(c.id)!.outputs[name]!.values, c.id), vg.values.get(name)!.shape, tol);
        if (!cmp.pass) failures.push(`${c.id} output ${name}: ${cmp.mismatches} of ${cmp.size} out of tolerance, got ${cmp.got}, want ${cmp.want}`);
      }
      if (c.graph.outputs.some((name) => half[name]!.data.some((v, i) => v !== full[name]!.data[i]))) differing++;
    }
    expect(failures).toEqual([]);
    expect(differing).toBeGreaterThan(cases.length / 2);
  }, 600_000);
});

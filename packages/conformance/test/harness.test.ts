/** The harness judging itself: tolerance math, verdicts, expect-fail, leaks, goldens, runner, filters. */
import { registerAdapter, type WeightSpec } from '@skipconn/core';
import {
  TOLERANCES,
  caseFilter,
  caseGroup,
  caseHash,
  compareValues,
  computeGolden,
  depthFactor,
  findStaleGoldens,
  loadCases,
  loadGoldens,
  runCase,
  runConformance,
  requiredAdaptersFromEnv,
  toleranceFor,
  unravelIndex,
  type ConformanceCase,
  type GoldenEntry,
  type LoadedCase,
} from '../src';
import { fakeAdapter } from './fakes';

const cases = loadCases();
const goldens = loadGoldens();
const byId = (id: string): LoadedCase => {
  const c = cases.find((x) => x.id === id);
  if (c === undefined) throw new Error(`no case ${id}`);
  return c;
};
const PLAIN = 'merge/residual/plain/NCHW/[2,3,4,5]';
const LITERAL = 'merge/residual/literal/plain/NC/[2,2]';

describe('tolerance', () => {
  const tol = { atol: 1e-5, rtol: 1e-5 };
  const cmp = (got: number[], want: number[], shape = [got.length]) => compareValues(got, want, shape, tol);

  test('|got - want| <= atol + rtol * |want|, at the boundary and just beyond', () => {
    expect(cmp([1 + 2e-5 * 0.99], [1]).pass).toBe(true);
    expect(cmp([1 + 2e-5 * 1.01], [1]).pass).toBe(false);
    expect(cmp([1000 + 0.0100099], [1000]).pass).toBe(true); // 1e-5 + 1e-2
    expect(cmp([1000 + 0.0101], [1000]).pass).toBe(false);
    expect(cmp([9e-6], [0]).pass).toBe(true);
    expect(cmp([1.1e-5], [0]).pass).toBe(false);
  });

  test('NaN needs NaN, Infinity the same-signed Infinity, -0 equals 0', () => {
    expect(cmp([NaN], [NaN]).pass).toBe(true);
    expect(cmp([1], [NaN]).pass).toBe(false);
    expect(cmp([NaN], [1]).pass).toBe(false);
    expect(cmp([Infinity, -Infinity], [Infinity, -Infinity]).pass).toBe(true);
    expect(cmp([-Infinity], [Infinity]).pass).toBe(false);
    expect(cmp([3.4e38], [Infinity]).pass).toBe(false);
    expect(cmp([Infinity], [3.4e38]).pass).toBe(false);
    expect(cmp([-0, 0], [0, -0]).pass).toBe(true);
    const bad = cmp([1, NaN], [1, 2]);
    expect(bad.maxAbsError).toBe(Infinity);
    expect(bad.worstIndex).toEqual([1]);
  });

  test('reports max abs and rel error and the worst element as a multi-dimensional index', () => {
    const want = Array.from({ length: 24 }, (_, i) => i + 1);
    want[13] = 0;
    const got = [...want];
    got[13] = 0.5; // largest ratio to the tolerance (want 0: no relative error)
    got[2] = want[2]! + 0.1; // largest relative error (0.1 / 3)
    const c = compareValues(got, want, [2, 3, 4], tol);
    expect(c.pass).toBe(false);
    expect(c.mismatches).toBe(2);
    expect(c.maxAbsError).toBeCloseTo(0.5, 12);
    expect(c.maxRelError).toBeCloseTo(0.1 / 3, 12);
    expect(c.worstIndex).toEqual([1, 0, 1]);
    expect(c.got).toBe(0.5);
    expect(c.want).toBe(0);
    expect(unravelIndex(23, [2, 3, 4])).toEqual([1, 2, 3]);
  });

  test('declared once per dtype and widened with the square root of the longest path', () => {
    expect(TOLERANCES.float32).toEqual({ atol: 1e-5, rtol: 1e-5 });
    expect(TOLERANCES.float16.atol).toBeGreaterThan(TOLERANCES.float32.atol);
    expect(depthFactor(1)).toBe(1);
    expect(depthFactor(0)).toBe(1);
    expect(depthFactor(16)).toBe(4);
    expect(toleranceFor('float32', 4)).toEqual({ atol: 2e-5, rtol: 2e-5 });
    expect(toleranceFor('int32', 100)).toEqual({ atol: 0, rtol: 0 });
  });

  test('empty outputs compare as equal', () => {
    const c = compareValues([], [], [0, 3], tol);
    expect(c.pass).toBe(true);
    expect(c.worstIndex).toEqual([]);
  });
});

describe('runCase verdicts', () => {
  test('the reference adapter passes a golden case and a literal case', async () => {
    const a = fakeAdapter();
    expect((await runCase(a, byId(PLAIN), { goldens })).status).toBe('pass');
    expect((await runCase(a, byId(LITERAL), { goldens })).status).toBe('pass');
  });

  test('a deliberately wrong adapter fails with max errors and the worst index', async () => {
    // flat 37 in [2,3,4,5] is [0,1,3,2]
    const wrong = fakeAdapter({
      corrupt: (v) => {
        v[37] = v[37]! + 0.5;
      },
    });
    const r = await runCase(wrong, byId(PLAIN), { goldens });
    expect(r.status).toBe('fail');
    expect(r.worst).toMatchObject({ output: 'y', index: [0, 1, 3, 2] });
    expect(r.maxAbsError).toBeCloseTo(0.5, 5);
    expect(Number(r.maxRelError)).toBeGreaterThan(0.1);
    expect(Number(r.errorRatio)).toBeGreaterThan(1);
    expect(r.message).toContain('1 of 120 elements out of tolerance');
    expect(r.message).toContain('worst at [0,1,3,2]');
    expect(r.message).toContain('max abs error 0.5');
  });

  test('an error within tolerance passes and reports its size', async () => {
    const close = fakeAdapter({
      corrupt: (v) => {
        v[5] = v[5]! + 2e-6;
      },
    });
    const r = await runCase(close, byId(PLAIN), { goldens });
    expect(r.status).toBe('pass');
    expect(Number(r.maxAbsError)).toBeGreaterThan(1e-6);
    expect(Number(r.errorRatio)).toBeLessThan(1);
  });

  test('a NaN where a number is expected fails with an Infinity error', async () => {
    const nan = fakeAdapter({
      corrupt: (v) => {
        v[0] = NaN;
      },
    });
    const r = await runCase(nan, byId(LITERAL), { goldens });
    expect(r.status).toBe('fail');
    expect(r.maxAbsError).toBe('Infinity');
    expect(r.worst).toMatchObject({ index: [0, 0], got: 'NaN', want: 11 });
  });

  test('an expect-fail case that passes fails; one that fails is expected-fail with the reason', async () => {
    const pass = await runCase(fakeAdapter(), byId(PLAIN), { goldens, expectFail: 'known bug #1' });
    expect(pass.status).toBe('fail');
    expect(pass.message).toContain('expected to fail (known bug #1) but passed');
    const wrong = fakeAdapter({
      corrupt: (v) => {
        v[0] = v[0]! + 1;
      },
    });
    const xfail = await runCase(wrong, byId(PLAIN), { goldens, expectFail: 'known bug #1' });
    expect(xfail.status).toBe('expected-fail');
    expect(xfail.message).toContain('known bug #1');
  });

  test('a leaking adapter is caught by the resources() check', async () => {
    const r = await runCase(fakeAdapter({ leak: true }), byId(PLAIN), { goldens });
    expect(r.status).toBe('fail');
    expect(r.message).toMatch(/leak: resources before the case \{ .*leaked: 0 \}, after \{ .*leaked: 1 \}/);
  });

  test('a hung runtime fails the case after the timeout instead of stalling the run', async () => {
    const r = await runCase(fakeAdapter({ hang: true }), byId(PLAIN), { goldens, timeoutMs: 50 });
    expect(r.status).toBe('fail');
    expect(r.message).toContain('timed out after 50 ms');
  });

  test('an adapter whose resources() throws fails the case', async () => {
    const a = fakeAdapter();
    a.resources = () => {
      throw new Error('device lost');
    };
    const r = await runCase(a, byId(PLAIN), { goldens });
    expect(r.status).toBe('fail');
    expect(r.message).toContain('resources() threw Error: device lost');
  });

  test('a case with an op the adapter does not support is skipped with the reason', async () => {
    const r = await runCase(fakeAdapter({ unsupported: ['residual'] }), byId(PLAIN), { goldens });
    expect(r.status).toBe('skip');
    expect(r.message).toContain('does not support residual (float32)');
  });

  test('error cases pass when the core refuses the graph with the expected code and message', async () => {
    const c = byId('error/residual/shape-mismatch-projection-hint');
    const r = await runCase(fakeAdapter({ acceptAnything: true }), c, { goldens });
    expect(r.status).toBe('pass');
  });

  test('an error case whose graph the core accepts must be refused by compile, or it fails', async () => {
    const valid = byId(PLAIN);
    const mislabeled: ConformanceCase = { ...valid, id: 'error/test/mislabeled', expected: { error: { code: 'SHAPE_MISMATCH', message: 'x' } } };
    const accepted = await runCase(fakeAdapter({ acceptAnything: true }), mislabeled, { goldens });
    expect(accepted.status).toBe('fail');
    expect(accepted.message).toContain('accepted an invalid graph');
    const wrongCode = { ...mislabeled, graph: { ...valid.graph, nodes: [{ ...valid.graph.nodes[0]!, op: 'nope' }] } };
    const r = await runCase(fakeAdapter(), wrongCode, { goldens });
    expect(r.status).toBe('fail');
    expect(r.message).toContain('expected SHAPE_MISMATCH');
    expect(r.message).toContain('UNKNOWN_OP');
  });

  test('an adapter returning the wrong shape or dtype fails', async () => {
    const bad = fakeAdapter();
    const compile = bad.compile.bind(bad);
    bad.compile = async (g, w) => {
      const c = await compile(g, w);
      return {
        ...c,
        info: c.info,
        run: async (f) => {
          const out = await c.run(f);
          return { y: { ...out['y']!, dtype: 'float64' as const, data: new Float64Array(out['y']!.data.length) } };
        },
        dispose: () => c.dispose(),
      };
    };
    const r = await runCase(bad, byId(PLAIN), { goldens });
    expect(r.status).toBe('fail');
    expect(r.message).toContain('expected float32 [2,3,4,5], received float64 [2,3,4,5]');
  });
});

describe('goldens', () => {
  test('the committed goldens are fresh: every golden recomputed by the reference evaluator matches', () => {
    const stale = findStaleGoldens(cases, goldens, { recompute: true });
    expect(stale).toEqual([]);
  });

  test('a changed case is stale (hash), at run time too', async () => {
    const c = byId(PLAIN);
    const changed: ConformanceCase = { ...c, inputs: { ...c.inputs, body: { seed: 1, low: -1, high: 1 } } };
    expect(caseHash(changed)).not.toBe(caseHash(c));
    expect(findStaleGoldens([changed], new Map([[c.id, goldens.get(c.id)!]]))).toEqual([{ id: c.id, problem: 'the case data changed since the golden was made' }]);
    const r = await runCase(fakeAdapter(), changed, { goldens });
    expect(r.status).toBe('fail');
    expect(r.message).toContain('stale golden');
  });

  test('changed numbers with the same hash are found by recomputing (a reference kernel changed)', () => {
    const c = byId(PLAIN);
    const g = goldens.get(c.id)!;
    const values = [...g.outputs['y']!.values];
    values[7] = Number(values[7]) + 1e-6;
    const edited: GoldenEntry = { ...g, outputs: { y: { ...g.outputs['y']!, values } } };
    expect(findStaleGoldens([c], new Map([[c.id, edited]]))).toEqual([]);
    const [problem] = findStaleGoldens([c], new Map([[c.id, edited]]), { recompute: true });
    expect(problem?.problem).toContain('element 7');
    // differences far below any tolerance are not staleness
    values[7] = Number(g.outputs['y']!.values[7]) * (1 + 1e-13);
    expect(findStaleGoldens([c], new Map([[c.id, { ...edited, outputs: { y: { ...g.outputs['y']!, values } } }]]), { recompute: true })).toEqual([]);
  });

  test('missing and orphaned goldens are reported', () => {
    const c = byId(PLAIN);
    expect(findStaleGoldens([c], new Map())).toEqual([{ id: c.id, problem: 'no golden' }]);
    const orphan = findStaleGoldens([], new Map([['gone/case', computeGolden(c)]]));
    expect(orphan[0]?.problem).toContain('does not exist');
  });

  test('weights declared without data are filled from seeded init specs', () => {
    const block = cases.find((x) => x.id.startsWith('block/resnet-basic/identity/NCHW'))!;
    const declared = block.graph.weights.filter((w: WeightSpec) => w.data === undefined);
    expect(declared.length).toBeGreaterThan(5);
    for (const w of declared) expect(block.init?.[w.name]).toBeDefined();
  });
});

describe('filters', () => {
  test('a plain prefix selects a subtree; * and ? are the only wildcards; | separates patterns', () => {
    const f = caseFilter('merge/residual');
    expect(f('merge/residual/plain/NCHW/[2,3,4,5]')).toBe(true);
    expect(f('merge/residualx/a')).toBe(false);
    expect(caseFilter('*layerscale*')('merge/residual/layerscale/NHWC/[2,8,8,16]')).toBe(true);
    expect(caseFilter('op/conv2d/*/NHWC/*')('op/conv2d/groups2/NHWC/[1,5,5,4]')).toBe(true);
    expect(caseFilter('op/conv2d/*/NHWC/*')('op/conv2d/groups2/NCHW/[1,4,5,5]')).toBe(false);
    expect(caseFilter('merge/residual/plain/NCHW/[2,3,4,5]')('merge/residual/plain/NCHW/[2,3,4,5]')).toBe(true);
    expect(caseFilter('op/relu|op/tanh')('op/tanh/rank0/none/[]')).toBe(true);
    expect(caseFilter(undefined)('anything')).toBe(true);
    expect(caseGroup('op/conv2d/groups2/NCHW/[1,4,5,5]')).toBe('op/conv2d');
  });

  test('REQUIRE_ADAPTERS is a comma-separated list', () => {
    expect(requiredAdaptersFromEnv({ REQUIRE_ADAPTERS: ' reference, ort-node:cpu ,,' })).toEqual(['reference', 'ort-node:cpu']);
    expect(requiredAdaptersFromEnv({})).toEqual([]);
  });
});

describe('runConformance', () => {
  registerAdapter('test:unavailable', () => fakeAdapter({ name: 'test:unavailable', unavailable: 'no such device here' }), -100);
  registerAdapter(
    'test:wrong',
    () =>
      fakeAdapter({
        name: 'test:wrong',
        corrupt: (v) => {
          if (v.length > 3) v[3] = v[3]! * 2 + 1;
        },
      }),
    -100,
  );

  test('reports every adapter, every result and a summary', async () => {
    const events: string[] = [];
    const report = await runConformance({
      adapters: ['reference', 'test:wrong', 'test:unavailable'],
      filter: 'merge/residual/plain',
      onProgress: (e) => events.push(`${e.kind}:${e.adapter}`),
      expectFail: { 'test:wrong': { 'merge/residual/plain/NTC/[2,5,8]': 'doubles element 3' } },
      requireAdapters: ['test:unavailable'],
    });
    expect(report.adapters).toEqual([
      { name: 'reference', available: true, reason: null, backend: 'reference (float64, plain TypeScript)' },
      { name: 'test:wrong', available: true, reason: null, backend: 'fake over reference' },
      { name: 'test:unavailable', available: false, reason: 'no such device here', fix: 'install the fake runtime' },
    ]);
    const n = report.summary.cases;
    expect(n).toBe(cases.filter((c) => c.id.startsWith('merge/residual/plain/')).length);
    expect(report.results).toHaveLength(2 * n);
    expect(report.summary.byAdapter['reference']).toEqual({ pass: n, fail: 0, skip: 0, 'expected-fail': 0 });
    expect(report.summary.byAdapter['test:wrong']!['expected-fail']).toBe(1);
    expect(report.summary.byAdapter['test:wrong']!.fail).toBeGreaterThan(0);
    expect(report.summary.unavailableRequired).toEqual(['test:unavailable']);
    expect(report.summary.ok).toBe(false);
    expect(events.filter((e) => e === 'case:reference')).toHaveLength(n);
    expect(events).toContain('unavailable:test:unavailable');
    const r = report.results.find((x) => x.adapter === 'test:wrong' && x.status === 'fail')!;
    expect(Object.keys(r)).toEqual(expect.arrayContaining(['case', 'adapter', 'status', 'maxAbsError', 'maxRelError', 'ms', 'message', 'worst']));
    expect(JSON.parse(JSON.stringify(report))).toEqual(report); // JSON-exact: no NaN, no Infinity
  });

  test('unknown adapters and unknown expect-fail ids are usage errors', async () => {
    await expect(runConformance({ adapters: ['nope'] })).rejects.toMatchObject({ code: 'USAGE' });
    await expect(runConformance({ adapters: ['reference'], expectFail: { reference: { 'no/such/case': 'x' } } })).rejects.toThrow('unknown case ids: no/such/case');
  });
});

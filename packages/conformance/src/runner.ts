/**
 * The programmatic runner: every selected case on every selected registered adapter, one report.
 * The CLI's `skipconn conformance` is a thin layer over runConformance.
 */
import { AdapterUnavailableError, SkipconnError, createAdapter, registeredAdapters, type Adapter } from '@skipconn/core';
import { loadCases, loadGoldens } from './files';
import { caseFilter } from './glob';
import { machineInfo } from './machine';
import { runCase } from './run-case';
import type { AdapterEntry, CaseResult, ConformanceReport, ExpectFailMap, GoldenEntry, LoadedCase, ReportSummary, StatusCounts } from './types';

export interface ProgressEvent {
  readonly adapter: string;
  /** 'start' before an adapter's first case (or when it is unavailable), 'case' after each case. */
  readonly kind: 'start' | 'case' | 'unavailable';
  /** Cases done so far over all adapters, and the total planned. */
  readonly done: number;
  readonly total: number;
  readonly result?: CaseResult;
  readonly reason?: string;
}

export interface RunConformanceOptions {
  /** Registered adapter names, or 'all' for every registered adapter. */
  readonly adapters: readonly string[] | 'all';
  /** Case filter (see caseFilter): '*' any characters, '?' one, a plain prefix selects a subtree, '|' separates patterns. */
  readonly filter?: string;
  /** Per adapter: case id -> reason it is expected to fail. */
  readonly expectFail?: Readonly<Record<string, ExpectFailMap>>;
  /** Adapters whose unavailability is a failure (the CLI passes REQUIRE_ADAPTERS). */
  readonly requireAdapters?: readonly string[];
  readonly onProgress?: (event: ProgressEvent) => void;
  /** A case taking longer than this fails (default 120000 ms), so a hung runtime cannot stall the run. */
  readonly caseTimeoutMs?: number;
  /** Defaults: the package's cases/ and goldens/. */
  readonly cases?: readonly LoadedCase[];
  readonly goldens?: ReadonlyMap<string, GoldenEntry>;
}

/** REQUIRE_ADAPTERS=a,b (comma-separated, spaces ignored). */
export function requiredAdaptersFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): string[] {
  return (env['REQUIRE_ADAPTERS'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Throws USAGE when an expect-fail list names cases that do not exist (typos would hide failures). */
export function checkExpectFail(expectFail: ExpectFailMap, cases: readonly { id: string }[], adapter: string): void {
  const ids = new Set(cases.map((c) => c.id));
  const unknown = Object.keys(expectFail).filter((id) => !ids.has(id));
  if (unknown.length > 0) {
    throw new SkipconnError('USAGE', `expect-fail list of ${adapter} names unknown case ids: ${unknown.join(', ')}`);
  }
  for (const [id, reason] of Object.entries(expectFail)) {
    if (typeof reason !== 'string' || reason.trim() === '') throw new SkipconnError('USAGE', `expect-fail entry ${id} of ${adapter} has no reason`);
  }
}

function emptyCounts(): StatusCounts {
  return { pass: 0, fail: 0, skip: 0, 'expected-fail': 0 };
}

export function summarize(adapters: readonly AdapterEntry[], results: readonly CaseResult[], cases: number, ms: number, requireAdapters: readonly string[] = []): ReportSummary {
  const byAdapter: Record<string, StatusCounts> = {};
  for (const a of adapters) byAdapter[a.name] = emptyCounts();
  const total = emptyCounts();
  for (const r of results) {
    (byAdapter[r.adapter] ??= emptyCounts())[r.status]++;
    total[r.status]++;
  }
  const unavailable = adapters.filter((a) => !a.available).map((a) => a.name);
  const unavailableRequired = unavailable.filter((n) => requireAdapters.includes(n));
  return {
    cases,
    results: results.length,
    pass: total.pass,
    fail: total.fail,
    skip: total.skip,
    expectedFail: total['expected-fail'],
    unavailable,
    unavailableRequired,
    byAdapter,
    ok: total.fail === 0 && unavailableRequired.length === 0,
    ms: Math.round(ms),
  };
}

/** Creates and starts a registered adapter; an adapter that cannot run comes back as an unavailable entry. */
export async function initAdapter(name: string): Promise<{ adapter?: Adapter; entry: AdapterEntry }> {
  if (!registeredAdapters().some((r) => r.name === name)) {
    return { entry: { name, available: false, reason: `no adapter named '${name}' is registered (is the package that provides it installed?)` } };
  }
  let adapter: Adapter | undefined;
  try {
    adapter = await createAdapter(name);
    await adapter.init();
    return { adapter, entry: { name, available: true, reason: null } };
  } catch (err) {
    await adapter?.dispose().catch(() => undefined);
    if (err instanceof AdapterUnavailableError) return { entry: { name, available: false, reason: err.reason, fix: err.fix ?? null } };
    if (err instanceof SkipconnError && err.code === 'USAGE') throw err;
    return { entry: { name, available: false, reason: `init failed: ${err instanceof Error ? err.message : String(err)}` } };
  }
}

export async function runConformance(options: RunConformanceOptions): Promise<ConformanceReport> {
  const start = performance.now();
  const registered = registeredAdapters().map((r) => r.name);
  const required = options.requireAdapters ?? [];
  // With 'all', a required adapter nobody registered (its package is missing) is reported unavailable.
  const names = options.adapters === 'all' ? [...registered, ...required.filter((r) => !registered.includes(r))] : [...new Set(options.adapters)];
  const unknown = options.adapters === 'all' ? [] : names.filter((n) => !registered.includes(n));
  if (unknown.length > 0) {
    throw new SkipconnError('USAGE', `unknown adapter ${unknown.map((n) => `'${n}'`).join(', ')}: expected one of ${registered.join(', ')} or 'all'`);
  }
  const select = caseFilter(options.filter);
  const allCases = options.cases ?? loadCases();
  const cases = allCases.filter((c) => select(c.id));
  const goldens = options.goldens ?? loadGoldens();
  for (const name of names) checkExpectFail(options.expectFail?.[name] ?? {}, allCases, name);

  const adapters: AdapterEntry[] = [];
  const results: CaseResult[] = [];
  const total = names.length * cases.length;
  let done = 0;
  for (const name of names) {
    const { adapter, entry } = await initAdapter(name);
    if (adapter === undefined) {
      adapters.push(entry);
      done += cases.length;
      options.onProgress?.({ adapter: name, kind: 'unavailable', done, total, reason: entry.reason ?? undefined });
      continue;
    }
    options.onProgress?.({ adapter: name, kind: 'start', done, total });
    const backends = new Set<string>();
    const onInfo = (info: { executionProvider?: string; backend?: string }): void => {
      const what = [info.executionProvider, info.backend].filter((s) => s !== undefined).join(' / ');
      if (what) backends.add(what);
    };
    try {
      for (const c of cases) {
        const result = await runCase(adapter, c, { goldens, expectFail: options.expectFail?.[name]?.[c.id], onInfo, timeoutMs: options.caseTimeoutMs ?? 120_000 });
        results.push(result);
        done++;
        options.onProgress?.({ adapter: name, kind: 'case', done, total, result });
      }
    } finally {
      await adapter.dispose();
    }
    adapters.push({ ...entry, backend: backends.size > 0 ? [...backends].join('; ') : null });
  }
  return {
    format: 'skipconn.conformance.report',
    version: 1,
    machine: machineInfo(),
    adapters,
    results,
    summary: summarize(adapters, results, cases.length, performance.now() - start, required),
  };
}

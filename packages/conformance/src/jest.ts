/**
 * describeConformance: the jest entry point every adapter's test calls.
 *
 *   describeConformance(() => createMyAdapter(), { expectFail: { 'op/gelu/...': 'erf approximated' } });
 *
 * One jest test per case (titled by the case id), plus one availability test. Rules:
 *  - a failing case fails its test, with max abs/rel error and the worst index in the message;
 *  - an expect-fail case that fails passes (status expected-fail); one that passes FAILS, so the
 *    lists only shrink; ids that name no case fail the whole file at collection;
 *  - cases with an op the adapter does not support() are reported as skipped, with the reason;
 *  - an adapter whose init() throws AdapterUnavailableError gives one skipped test whose title
 *    carries the reason, unless REQUIRE_ADAPTERS (comma-separated names) lists it: then that
 *    test fails;
 *  - adapter.resources() must be the same before and after every case (leak check).
 */
import { AdapterUnavailableError, validateGraph, type Adapter, type AdapterFactory } from '@skipconn/core';
import { loadCases, loadGoldens } from './files';
import { caseFilter } from './glob';
import { isErrorExpectation, runCase, unsupportedOps } from './run-case';
import { checkExpectFail, requiredAdaptersFromEnv } from './runner';
import { currentDescribeBlock, dropTests, lastTest, skipTest, type CircusTest } from './jest-circus';
import type { CaseResult, ExpectFailMap, GoldenEntry, LoadedCase } from './types';

export interface DescribeConformanceOptions {
  /** case id -> why it is expected to fail on this adapter. */
  readonly expectFail?: ExpectFailMap;
  /** Only the cases matching this filter (see caseFilter). */
  readonly filter?: string;
  /** Title of the describe block; default: the adapter's name (when the factory returns synchronously). */
  readonly name?: string;
  /** Adapters that must be available; default: REQUIRE_ADAPTERS from the environment. */
  readonly requireAdapters?: readonly string[];
  /** Per-case jest timeout in ms (default: jest's testTimeout). */
  readonly timeout?: number;
  /** Called with each case's result (to write a report, for example). */
  readonly onResult?: (result: CaseResult) => void;
  /** Defaults: the package's cases/ and goldens/. */
  readonly cases?: readonly LoadedCase[];
  readonly goldens?: ReadonlyMap<string, GoldenEntry>;
}

function isPromiseLike<T>(v: unknown): v is PromiseLike<T> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

export function describeConformance(factory: AdapterFactory, options: DescribeConformanceOptions = {}): void {
  const allCases = options.cases ?? loadCases();
  const select = caseFilter(options.filter);
  const cases = allCases.filter((c) => select(c.id));
  const goldens = options.goldens ?? loadGoldens();
  const expectFail = options.expectFail ?? {};

  // Create the adapter now when the factory is synchronous, so the title can carry its name;
  // init() (async) waits for beforeAll.
  let made: Adapter | PromiseLike<Adapter> | undefined;
  let factoryError: unknown;
  try {
    made = factory();
  } catch (err) {
    factoryError = err;
  }
  const syncName = made !== undefined && !isPromiseLike(made) ? made.name : undefined;
  checkExpectFail(expectFail, allCases, options.name ?? syncName ?? 'the adapter');
  const title = `conformance: ${options.name ?? syncName ?? 'adapter'}`;

  describe(title, () => {
    const block = currentDescribeBlock();
    let adapter: Adapter | undefined;
    let name = options.name ?? syncName ?? 'adapter';
    /** Set when init failed: why, and whether that is a test failure. */
    let unavailable: { reason: string; fatal: boolean } | undefined;
    const skipped = new Map<string, string>();
    const caseTests = new Map<string, CircusTest>();

    beforeAll(async () => {
      const required = options.requireAdapters ?? requiredAdaptersFromEnv();
      try {
        if (factoryError !== undefined) throw factoryError;
        adapter = await made!;
        name = adapter.name;
        await adapter.init();
      } catch (err) {
        if (err instanceof AdapterUnavailableError) {
          name = adapter?.name ?? err.adapter;
          const fix = err.fix ? ` (to enable: ${err.fix})` : '';
          const isRequired = required.includes(name);
          unavailable = {
            reason: isRequired ? `${name} is required by REQUIRE_ADAPTERS but unavailable: ${err.reason}${fix}` : `${name} unavailable: ${err.reason}${fix}`,
            fatal: isRequired,
          };
        } else {
          unavailable = { reason: `${name}: init failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`, fatal: true };
        }
        await adapter?.dispose().catch(() => undefined);
        adapter = undefined;
        if (block !== undefined) {
          dropTests(block, new Set(caseTests.values()));
          if (!unavailable.fatal && availabilityTest !== undefined) skipTest(availabilityTest, `skipped: ${unavailable.reason}`);
        }
        if (!unavailable.fatal) console.warn(`conformance: ${unavailable.reason}; its cases are skipped (list it in REQUIRE_ADAPTERS to make this a failure)`);
        return;
      }
      // Ops the adapter declares unsupported: skipped, with the reason in the title.
      for (const c of cases) {
        if (isErrorExpectation(c.expected)) continue;
        try {
          const missing = unsupportedOps(adapter, validateGraph(c.graph));
          if (missing.length > 0) skipped.set(c.id, `${name} does not support ${missing.join(', ')}`);
        } catch {
          // an invalid case graph fails in its own test
        }
      }
      for (const [id, reason] of skipped) {
        const t = caseTests.get(id);
        if (t !== undefined) skipTest(t, `${id} [skipped: ${reason}]`);
      }
    });

    afterAll(async () => {
      await adapter?.dispose();
    });

    test('adapter is available', () => {
      if (unavailable === undefined) return;
      if (unavailable.fatal) throw new Error(unavailable.reason);
      // Only reached when jest internals could not be used to mark this test skipped.
      console.warn(`conformance: ${unavailable.reason} (reported as passed: this jest cannot skip at run time)`);
    });
    // Read by beforeAll above, which runs only after this block has been collected.
    const availabilityTest = lastTest(block);

    for (const c of cases) {
      test(
        c.id,
        async () => {
          if (adapter === undefined) return; // unavailable (fallback when tests could not be dropped)
          const result = await runCase(adapter, c, { goldens, expectFail: expectFail[c.id] });
          options.onResult?.(result);
          if (result.status === 'fail') throw new Error(`${c.id} on ${adapter.name}:\n${result.message ?? 'failed'}`);
          if (result.status === 'skip' && !skipped.has(c.id)) console.warn(`conformance: ${c.id} skipped: ${result.message}`);
        },
        options.timeout,
      );
      const t = lastTest(block);
      if (t !== undefined) caseTests.set(c.id, t);
    }
  });
}

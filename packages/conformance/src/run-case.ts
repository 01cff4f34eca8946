/**
 * Runs one case on one adapter and judges it. The same function backs the jest entry point and
 * the programmatic runner, so both give the same verdicts.
 *
 * Value cases: validate (core) -> supports? -> compile -> run -> dispose -> compare every output
 * (dtype, shape, values under the tolerance) -> leak check.
 * Error cases: validate, and only if the core accepted the graph, compile; the first of them must
 * throw the expected SkipconnError code with the expected message substring. An adapter never gets
 * to run an invalid graph, and one that compiles a graph the core should have refused fails.
 */
import { SkipconnError, encodeNumber, formatShape, toFloat64, validateGraph, type Adapter, type CompiledGraph, type HostTensor, type ResourceCounts, type ValidatedGraph } from '@skipconn/core';
import { materializeCase } from './materialize';
import { caseHash, decodeValues } from './golden';
import { compareValues, formatIndex, formatNumber, toleranceFor, type Comparison } from './tolerance';
import type { CaseResult, ConformanceCase, EncodedNumber, ExpectedError, GoldenEntry, WorstElement } from './types';

export interface RunCaseOptions {
  readonly goldens: ReadonlyMap<string, GoldenEntry>;
  /** Set when the case is on the adapter's expect-fail list: the reason. */
  readonly expectFail?: string;
  /** Called with CompiledGraph.info of each compiled graph: what really ran. */
  readonly onInfo?: (info: CompiledGraph['info']) => void;
  /** Fail the case when compile + run take longer (the runtime keeps running; no default). */
  readonly timeoutMs?: number;
}

interface Verdict {
  status: 'pass' | 'fail' | 'skip';
  message?: string;
  maxAbsError: number | null;
  maxRelError: number | null;
  errorRatio: number | null;
  worst?: WorstElement;
}

const NOT_COMPARED = { maxAbsError: null, maxRelError: null, errorRatio: null } as const;

/** Nodes on the longest path from a graph input or weight to a graph output. */
export function longestPath(vg: ValidatedGraph): number {
  const depth = new Map<string, number>();
  for (const node of vg.nodes) {
    const d = 1 + Math.max(0, ...node.spec.inputs.map((i) => depth.get(i) ?? 0));
    node.spec.outputs.forEach((o) => depth.set(o, d));
  }
  return Math.max(0, ...vg.graph.outputs.map((o) => depth.get(o) ?? 0));
}

/**
 * 'op (dtype): reason' for every op of the graph that the adapter declares it does not run, by
 * the dtype of each of the node's outputs. This is the only way a case skips: an op the adapter claims
 * and then fails on is a failure.
 */
export function unsupportedOps(adapter: Adapter, vg: ValidatedGraph): string[] {
  const out = new Set<string>();
  for (const n of vg.nodes) {
    // Every output's dtype: topK gives float values and int32 indices.
    for (const dtype of new Set(n.outputs.map((o) => o.dtype))) {
      const why = adapter.whyUnsupported(n.spec.op, dtype);
      if (why !== undefined) out.add(`${n.spec.op} (${dtype}): ${why}`);
    }
  }
  return [...out];
}

export function isErrorExpectation(e: ConformanceCase['expected']): e is ExpectedError {
  return typeof e === 'object' && 'error' in e;
}

function describeError(err: unknown): string {
  if (err instanceof SkipconnError) return `${err.code}: ${err.message}`;
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

function sameResources(a: ResourceCounts, b: ResourceCounts): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => (a[k] ?? 0) === (b[k] ?? 0));
}

function formatResources(r: ResourceCounts): string {
  const entries = Object.entries(r);
  return entries.length === 0 ? '{}' : `{ ${entries.map(([k, v]) => `${k}: ${v}`).join(', ')} }`;
}

function fail(message: string, extra: Partial<Verdict> = {}): Verdict {
  return { status: 'fail', message, ...NOT_COMPARED, ...extra };
}

function judgeError(err: unknown, expected: ExpectedError['error'], stage: string): Verdict {
  if (err instanceof SkipconnError && err.code === expected.code && err.message.includes(expected.message)) {
    return { status: 'pass', message: `${stage} refused it: ${err.code}: ${err.message}`, ...NOT_COMPARED };
  }
  return fail(`expected ${expected.code} with a message containing ${JSON.stringify(expected.message)}; ${stage} threw ${describeError(err)}`);
}

async function judgeErrorCase(adapter: Adapter, c: ConformanceCase, expected: ExpectedError['error']): Promise<Verdict> {
  let vg: ValidatedGraph;
  try {
    vg = validateGraph(c.graph);
  } catch (err) {
    return judgeError(err, expected, 'the core validator');
  }
  // The core accepted a graph that should be invalid; the adapter is the last line of defence.
  try {
    const { weights } = materializeCase(c);
    const compiled = await adapter.compile(vg, weights);
    await compiled.dispose();
  } catch (err) {
    return judgeError(err, expected, `${adapter.name}.compile (after the core validator accepted the graph)`);
  }
  return fail(`the core validator accepted an invalid graph and ${adapter.name} compiled it; expected ${expected.code} with ${JSON.stringify(expected.message)}`);
}

function expectedOutputs(c: ConformanceCase, goldens: ReadonlyMap<string, GoldenEntry>): Map<string, Float64Array> | string {
  const out = new Map<string, Float64Array>();
  if (c.expected === 'golden') {
    const g = goldens.get(c.id);
    if (g === undefined) return 'no golden for this case: run `npm run goldens`';
    if (g.hash !== caseHash(c)) return 'stale golden: the case data changed since the golden was made; run `npm run goldens`';
    for (const name of c.graph.outputs) {
      const t = g.outputs[name];
      if (t === undefined) return `stale golden: it has no output '${name}'; run \`npm run goldens\``;
      out.set(name, decodeValues(t.values, `golden ${c.id} output ${name}`));
    }
    return out;
  }
  if (isErrorExpectation(c.expected)) return 'internal: error case judged as a value case';
  for (const name of c.graph.outputs) {
    const values = c.expected.values[name];
    if (values === undefined) return `the case lists no expected values for output '${name}'`;
    out.set(name, decodeValues(values, `case ${c.id} expected ${name}`));
  }
  return out;
}

async function judgeValueCase(adapter: Adapter, c: ConformanceCase, options: RunCaseOptions): Promise<Verdict> {
  let vg: ValidatedGraph;
  try {
    vg = validateGraph(c.graph);
  } catch (err) {
    return fail(`the case's graph does not validate: ${describeError(err)}`);
  }
  const unsupported = unsupportedOps(adapter, vg);
  if (unsupported.length > 0) {
    return { status: 'skip', message: `${adapter.name} does not support ${unsupported.join(', ')}`, ...NOT_COMPARED };
  }
  const want = expectedOutputs(c, options.goldens);
  if (typeof want === 'string') return fail(want);
  const { weights, feeds } = materializeCase(c);

  let result: Record<string, HostTensor>;
  try {
    const compiled = await adapter.compile(vg, weights);
    options.onInfo?.(compiled.info);
    try {
      result = await compiled.run(feeds);
    } finally {
      await compiled.dispose();
    }
  } catch (err) {
    return fail(describeError(err));
  }

  const depth = longestPath(vg);
  const problems: string[] = [];
  let maxAbs = 0;
  let maxRel = 0;
  let ratio = 0;
  let worst: WorstElement | undefined;
  let worstCmp: Comparison | undefined;
  for (const name of c.graph.outputs) {
    const info = vg.values.get(name)!;
    const t = result[name];
    if (t === undefined) {
      problems.push(`output '${name}' is missing (received ${Object.keys(result).join(', ') || 'nothing'})`);
      continue;
    }
    if (t.dtype !== info.dtype || t.shape.length !== info.shape.length || t.shape.some((d, i) => d !== info.shape[i])) {
      problems.push(`output '${name}': expected ${info.dtype} ${formatShape(info.shape)}, received ${t.dtype} ${formatShape(t.shape)}`);
      continue;
    }
    const tol = toleranceFor(info.dtype, depth);
    const cmp = compareValues(toFloat64(t), want.get(name)!, info.shape, tol);
    maxAbs = Math.max(maxAbs, cmp.maxAbsError);
    maxRel = Math.max(maxRel, cmp.maxRelError);
    if (worstCmp === undefined || cmp.errorRatio > worstCmp.errorRatio) {
      worstCmp = cmp;
      ratio = cmp.errorRatio;
      if (cmp.worstFlat >= 0) worst = { output: name, index: cmp.worstIndex, got: encodeNumber(cmp.got), want: encodeNumber(cmp.want) };
    }
    if (!cmp.pass) {
      problems.push(
        `output '${name}': ${cmp.mismatches} of ${cmp.size} elements out of tolerance (atol ${formatNumber(tol.atol)}, rtol ${formatNumber(tol.rtol)}, ` +
          `depth ${depth}); max abs error ${formatNumber(cmp.maxAbsError)}, max rel error ${formatNumber(cmp.maxRelError)}; ` +
          `worst at ${formatIndex(cmp.worstIndex)}: got ${formatNumber(cmp.got)}, want ${formatNumber(cmp.want)}`,
      );
    }
  }
  const errors = { maxAbsError: worstCmp ? maxAbs : null, maxRelError: worstCmp ? maxRel : null, errorRatio: worstCmp ? ratio : null };
  return problems.length > 0 ? { status: 'fail', message: problems.join('\n'), ...errors, worst } : { status: 'pass', ...errors, worst };
}

function encodeError(v: number | null): EncodedNumber | null {
  return v === null ? null : encodeNumber(v);
}

function withTimeout<T>(work: Promise<T>, ms: number | undefined): Promise<T> {
  if (ms === undefined) return work;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function readResources(adapter: Adapter): ResourceCounts | string {
  try {
    return { ...adapter.resources() };
  } catch (err) {
    return `resources() threw ${describeError(err)}`;
  }
}

/** Runs one case: the verdict, the expect-fail rule, and the leak check. */
export async function runCase(adapter: Adapter, c: ConformanceCase, options: RunCaseOptions): Promise<CaseResult> {
  const start = performance.now();
  const before = readResources(adapter);
  let verdict: Verdict;
  try {
    const work = isErrorExpectation(c.expected) ? judgeErrorCase(adapter, c, c.expected.error) : judgeValueCase(adapter, c, options);
    verdict = await withTimeout(work, options.timeoutMs);
  } catch (err) {
    verdict = fail(`the harness could not run the case: ${describeError(err)}`);
  }
  const after = readResources(adapter);
  if (typeof before === 'string' || typeof after === 'string') {
    const problem = typeof before === 'string' ? before : (after as string);
    verdict = { ...verdict, status: 'fail', message: verdict.status === 'fail' && verdict.message ? `${verdict.message}\n${problem}` : problem };
  } else if (!sameResources(before, after)) {
    const leak = `leak: resources before the case ${formatResources(before)}, after ${formatResources(after)}`;
    verdict = { ...verdict, status: 'fail', message: verdict.status === 'fail' && verdict.message ? `${verdict.message}\n${leak}` : leak };
  }
  let status: CaseResult['status'] = verdict.status;
  let message = verdict.message;
  if (options.expectFail !== undefined && status !== 'skip') {
    if (status === 'pass') {
      status = 'fail';
      message = `expected to fail (${options.expectFail}) but passed: remove it from the expect-fail list`;
    } else {
      status = 'expected-fail';
      message = `${options.expectFail} [actual: ${verdict.message ?? 'failed'}]`;
    }
  }
  return {
    case: c.id,
    adapter: adapter.name,
    status,
    maxAbsError: encodeError(verdict.maxAbsError),
    maxRelError: encodeError(verdict.maxRelError),
    errorRatio: encodeError(verdict.errorRatio),
    ...(verdict.worst ? { worst: verdict.worst } : {}),
    ms: Math.round((performance.now() - start) * 100) / 100,
    ...(message !== undefined && status !== 'pass' ? { message } : {}),
  };
}

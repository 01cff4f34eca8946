/**
 * Checking one model (rather than the suite's cases) on many adapters: every output against the
 * float64 reference evaluator, the adapters against each other, and, where an adapter fails,
 * the first node whose own output diverges (`skipconn check`, docs/conformance.md).
 *
 * Localisation rule. Every node output is marked as a graph output (all at once; when the
 * adapter refuses or fails on that graph, by bisection over the topological order, one node at
 * a time). Walking the nodes in topological order, a node is suspect when its output differs
 * from the reference beyond the tolerance for its depth (the conformance policy: the dtype's
 * tolerance widened by sqrt of the longest path to it). A suspect is the divergent node only
 * when its error is its own: recomputed by the reference kernel from the adapter's own inputs
 * for that node, its output is still out of the single-op tolerance. Rounding that accumulates
 * along the graph (another summation order, float32 between nodes) passes that second test at
 * every node, so it is reported as drift, never blamed on a node.
 */
import {
  AdapterUnavailableError,
  encodeNumber,
  evaluateGraph,
  findSkips,
  formatShape,
  isFloatDType,
  runReferenceKernel,
  toFloat64,
  validateGraph,
  type Adapter,
  type DType,
  type HostTensor,
  type SkipConnection,
  type ValidatedGraph,
  type ValidatedNode,
  type WeightStore,
} from '@skipconn/core';
import { compareValues, formatIndex, formatNumber, toleranceFor, type Comparison, type Tolerance } from './tolerance';
import { machineInfo } from './machine';
import { initAdapter, summarize } from './runner';
import type { AdapterEntry, CaseResult, ConformanceReport, EncodedNumber, MachineInfo } from './types';

export const CHECK_FORMAT = 'skipconn.check.report';

export interface CheckWorst {
  readonly index: readonly number[];
  readonly got: EncodedNumber;
  readonly want: EncodedNumber;
}

/** One adapter's output against the reference. */
export interface CheckOutputResult {
  readonly adapter: string;
  readonly output: string;
  readonly status: 'pass' | 'fail';
  readonly maxAbsError: EncodedNumber | null;
  readonly maxRelError: EncodedNumber | null;
  readonly errorRatio: EncodedNumber | null;
  readonly worst?: CheckWorst;
  readonly atol: number;
  readonly rtol: number;
  /** Nodes on the longest path to this output (the tolerance's depth). */
  readonly depth: number;
  readonly ms: number;
  readonly message?: string;
}

export interface DivergentNode {
  readonly name: string;
  readonly op: string;
  readonly inputs: readonly { readonly name: string; readonly shape: readonly number[] }[];
  /** The output value that diverged. */
  readonly output: string;
  readonly shape: readonly number[];
  readonly depth: number;
  /** Against the reference run of the whole graph. */
  readonly maxAbsError: EncodedNumber;
  readonly maxRelError: EncodedNumber;
  readonly errorRatio: EncodedNumber;
  /** Against the reference kernel run on the adapter's own inputs (the node's own error). */
  readonly localErrorRatio: EncodedNumber;
  readonly worst: CheckWorst;
}

export interface SkipRef {
  readonly kind: string;
  readonly merge: string;
  readonly from: string;
  readonly to: string;
  readonly detail: string;
  /** The node is the merge itself, on the bypassed body, or on the shortcut. */
  readonly role: 'merge' | 'body' | 'shortcut';
}

export interface Localization {
  readonly adapter: string;
  /**
   * 'node': a node diverges on its own; 'drift': no node does, the error accumulated; 'none':
   * with every value fetched, nothing is out of tolerance (the failure did not reproduce);
   * 'error': the adapter could not run the graph with its values fetched.
   */
  readonly status: 'node' | 'drift' | 'none' | 'error';
  /** 'all-at-once' or 'bisection'. */
  readonly method: string | null;
  readonly node?: DivergentNode;
  /** The innermost skip connection the node lies in. */
  readonly skip?: SkipRef;
  /** drift: the first node whose output left its tolerance. */
  readonly firstOutOfTolerance?: string;
  readonly message: string;
}

/** Two adapters' outputs against each other. */
export interface PairDifference {
  readonly a: string;
  readonly b: string;
  readonly output: string;
  readonly maxAbsDiff: EncodedNumber;
  readonly maxRelDiff: EncodedNumber;
}

export interface CheckReport {
  readonly format: typeof CHECK_FORMAT;
  readonly version: 1;
  readonly model: string;
  readonly generatedAt: string;
  readonly machine: MachineInfo;
  readonly inputs: readonly { readonly name: string; readonly dtype: DType; readonly shape: readonly number[] }[];
  readonly outputs: readonly string[];
  /** null: the conformance policy (per dtype, widened with depth); else fixed --atol / --rtol. */
  readonly tolerance: Tolerance | null;
  readonly adapters: readonly AdapterEntry[];
  readonly results: readonly CheckOutputResult[];
  readonly localizations: readonly Localization[];
  readonly pairs: readonly PairDifference[];
  readonly summary: {
    readonly ok: boolean;
    readonly failed: readonly string[];
    readonly unavailable: readonly string[];
    readonly unavailableRequired: readonly string[];
    readonly ms: number;
  };
}

/** Where the adapters come from: registered names (the CLI) or instances (tests, wrappers). */
export type CheckAdapter = string | { readonly name: string; readonly create: () => Adapter | Promise<Adapter> };

export interface CheckOptions {
  /** Shown in the report (the model file). */
  readonly model: string;
  readonly graph: ValidatedGraph;
  readonly weights: WeightStore;
  readonly feeds: Readonly<Record<string, HostTensor>>;
  readonly adapters: readonly CheckAdapter[];
  /** Adapters that must run: unavailable, they fail the check. */
  readonly requireAdapters?: readonly string[];
  /** Fixed atol and rtol instead of the policy. */
  readonly tolerance?: Tolerance;
  /** Default true. */
  readonly localize?: boolean;
  readonly onProgress?: (line: string) => void;
}

/** Nodes on the longest path from a graph input or weight to each value (0 for inputs and weights). */
export function valueDepths(vg: ValidatedGraph): Map<string, number> {
  const depth = new Map<string, number>();
  for (const node of vg.nodes) {
    const d = 1 + Math.max(0, ...node.spec.inputs.map((i) => depth.get(i) ?? 0));
    node.spec.outputs.forEach((o) => depth.set(o, d));
  }
  return depth;
}

/** The same graph with `outputs` as its outputs (the original outputs first, no duplicates). */
export function withOutputs(vg: ValidatedGraph, extra: readonly string[]): ValidatedGraph {
  const outputs = [...new Set([...vg.graph.outputs, ...extra])];
  return validateGraph({ ...vg.graph, outputs });
}

/** Every float value a node produces, in topological order. */
function nodeFloatValues(vg: ValidatedGraph): string[] {
  return vg.nodes.flatMap((n) => n.spec.outputs.filter((o) => isFloatDType(vg.values.get(o)!.dtype)));
}

function toleranceAt(dtype: DType, depth: number, fixed: Tolerance | undefined): Tolerance {
  return fixed ?? toleranceFor(dtype, depth);
}

function compareTensor(got: HostTensor, want: Float64Array, shape: readonly number[], tol: Tolerance): Comparison | string {
  if (got.shape.length !== shape.length || got.shape.some((d, i) => d !== shape[i])) return `shape ${formatShape(got.shape)}, expected ${formatShape(shape)}`;
  return compareValues(toFloat64(got), want, shape, tol);
}

function worstOf(c: Comparison): CheckWorst {
  return { index: c.worstIndex, got: encodeNumber(c.got), want: encodeNumber(c.want) };
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message.split('\n')[0]! : String(err);
}

async function runOn(
  adapter: Adapter,
  vg: ValidatedGraph,
  weights: WeightStore,
  feeds: Readonly<Record<string, HostTensor>>,
): Promise<{ outputs: Record<string, HostTensor>; info: { executionProvider?: string; backend?: string } }> {
  const compiled = await adapter.compile(vg, weights);
  try {
    return { outputs: await compiled.run(feeds), info: compiled.info };
  } finally {
    await compiled.dispose();
  }
}

/** The innermost skip (smallest span) that has the node as merge, on its body or on its shortcut. */
export function skipOfNode(skips: readonly SkipConnection[], node: string): SkipRef | undefined {
  let best: { skip: SkipConnection; role: SkipRef['role'] } | undefined;
  for (const s of skips) {
    const role: SkipRef['role'] | undefined = s.merge === node ? 'merge' : s.bypassed.includes(node) ? 'body' : s.shortcut.includes(node) ? 'shortcut' : undefined;
    if (role !== undefined && (best === undefined || s.span < best.skip.span)) best = { skip: s, role };
  }
  if (best === undefined) return undefined;
  const { kind, merge, from, to, detail } = best.skip;
  return { kind, merge, from, to, detail, role: best.role };
}

/** What one node computes from the given input values, by its reference kernel, in float64. */
function referenceOnInputs(node: ValidatedNode, inputs: readonly Float64Array[]): Float64Array[] {
  const outs = runReferenceKernel(
    node,
    inputs.map((data, i) => ({ shape: node.inputs[i]!.shape, data })),
  );
  return outs.map((o) => o.data);
}

interface Judged {
  readonly suspect: boolean;
  readonly own: boolean;
  readonly global?: Comparison;
  readonly localRatio?: number;
}

/**
 * Localisation over values the adapter produced for some nodes. `got(value)` is the adapter's
 * value (undefined when it was not fetched); reference holds the float64 value of every value.
 */
function judgeNode(
  node: ValidatedNode,
  vg: ValidatedGraph,
  value: string,
  got: HostTensor,
  reference: ReadonlyMap<string, Float64Array>,
  adapterValue: (name: string) => HostTensor | undefined,
  depths: ReadonlyMap<string, number>,
  fixed: Tolerance | undefined,
): Judged | string {
  const info = vg.values.get(value)!;
  const global = compareTensor(got, reference.get(value)!, info.shape, toleranceAt(info.dtype, depths.get(value)!, fixed));
  if (typeof global === 'string') return `node '${node.spec.name}' (${node.spec.op}) output '${value}': ${global}`;
  if (global.pass) return { suspect: false, own: false, global };
  // The node's own error: its reference kernel on the values the adapter fed it.
  const inputs = node.spec.inputs.map((name) => {
    const fromAdapter = vg.producers.has(name) ? adapterValue(name) : undefined;
    return fromAdapter !== undefined ? toFloat64(fromAdapter) : reference.get(name)!;
  });
  const local = referenceOnInputs(node, inputs)[node.spec.outputs.indexOf(value)]!;
  const own = compareTensor(got, local, info.shape, toleranceAt(info.dtype, 1, fixed));
  if (typeof own === 'string') return own;
  return { suspect: true, own: !own.pass, global, localRatio: own.errorRatio };
}

function divergent(node: ValidatedNode, vg: ValidatedGraph, value: string, j: Judged, depths: ReadonlyMap<string, number>): DivergentNode {
  const g = j.global!;
  return {
    name: node.spec.name,
    op: node.spec.op,
    inputs: node.spec.inputs.map((name) => ({ name, shape: [...vg.values.get(name)!.shape] })),
    output: value,
    shape: [...vg.values.get(value)!.shape],
    depth: depths.get(value)!,
    maxAbsError: encodeNumber(g.maxAbsError),
    maxRelError: encodeNumber(g.maxRelError),
    errorRatio: encodeNumber(g.errorRatio),
    localErrorRatio: encodeNumber(j.localRatio!),
    worst: worstOf(g),
  };
}

export function describeDivergence(l: Localization): string {
  if (l.node === undefined) return l.message;
  const n = l.node;
  const skip =
    l.skip === undefined
      ? 'in no skip connection'
      : `${l.skip.role === 'merge' ? 'the merge of' : l.skip.role === 'body' ? 'in the body of' : 'on the shortcut of'} the ${l.skip.kind} skip '${l.skip.merge}' (${l.skip.from} -> ${l.skip.to}, ${l.skip.detail})`;
  return `first divergent node '${n.name}' (${n.op}), inputs ${n.inputs.map((i) => `${i.name} ${formatShape(i.shape)}`).join(', ')}: output '${n.output}' ${formatShape(n.shape)} max abs error ${formatNumber(Number(n.maxAbsError))}, max rel error ${formatNumber(Number(n.maxRelError))}, worst at ${formatIndex(n.worst.index)} got ${formatNumber(Number(n.worst.got))} want ${formatNumber(Number(n.worst.want))}; error/tolerance ${formatNumber(Number(n.errorRatio))} against the reference, ${formatNumber(Number(n.localErrorRatio))} against its own kernel on the adapter's inputs; ${skip}`;
}

async function localize(
  adapter: Adapter,
  name: string,
  vg: ValidatedGraph,
  weights: WeightStore,
  feeds: Readonly<Record<string, HostTensor>>,
  reference: ReadonlyMap<string, Float64Array>,
  fixed: Tolerance | undefined,
  skips: readonly SkipConnection[],
): Promise<Localization> {
  const depths = valueDepths(vg);
  const values = nodeFloatValues(vg);
  const finish = (method: string, found: { node: ValidatedNode; value: string; judged: Judged } | undefined, firstOut: string | undefined): Localization => {
    if (found !== undefined) {
      const l: Localization = { adapter: name, status: 'node', method, node: divergent(found.node, vg, found.value, found.judged, depths), skip: skipOfNode(skips, found.node.spec.name), message: '' };
      return { ...l, message: describeDivergence(l) };
    }
    if (firstOut !== undefined) {
      return {
        adapter: name,
        status: 'drift',
        method,
        firstOutOfTolerance: firstOut,
        message: `no node diverges on its own: every node matches its reference kernel on the adapter's inputs; accumulated rounding first leaves the tolerance at node '${firstOut}'`,
      };
    }
    return { adapter: name, status: 'none', method, message: 'every node output is within tolerance when all of them are fetched (the failure did not reproduce)' };
  };

  // All at once.
  let all: Record<string, HostTensor> | undefined;
  let refusal: string | undefined;
  try {
    all = (await runOn(adapter, withOutputs(vg, values), weights, feeds)).outputs;
  } catch (err) {
    refusal = errorText(err);
  }
  if (all !== undefined) {
    let firstOut: string | undefined;
    for (const node of vg.nodes) {
      for (const value of node.spec.outputs) {
        const got = all[value];
        if (got === undefined || !isFloatDType(vg.values.get(value)!.dtype)) continue;
        const judged = judgeNode(node, vg, value, got, reference, (v) => all![v], depths, fixed);
        if (typeof judged === 'string') return { adapter: name, status: 'error', method: 'all-at-once', message: judged };
        if (judged.suspect && firstOut === undefined) firstOut = node.spec.name;
        if (judged.own) return finish('all-at-once', { node, value, judged }, firstOut);
      }
    }
    return finish('all-at-once', undefined, firstOut);
  }

  // Bisection: the first value out of tolerance, fetching one value (and its node's inputs) per run.
  const fetch = async (value: string): Promise<Record<string, HostTensor>> => {
    const node = vg.producers.get(value)!;
    const inputs = node.spec.inputs.filter((i) => vg.producers.has(i));
    return (await runOn(adapter, withOutputs(vg, [value, ...inputs]), weights, feeds)).outputs;
  };
  const suspectAt = async (i: number): Promise<{ judged: Judged | string; node: ValidatedNode }> => {
    const value = values[i]!;
    const node = vg.producers.get(value)!;
    const got = await fetch(value);
    return { node, judged: judgeNode(node, vg, value, got[value]!, reference, (v) => got[v], depths, fixed) };
  };
  try {
    let lo = 0;
    let hi = values.length - 1;
    let first: { index: number; node: ValidatedNode; judged: Judged } | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const { judged, node } = await suspectAt(mid);
      if (typeof judged === 'string') return { adapter: name, status: 'error', method: 'bisection', message: judged };
      if (judged.suspect) {
        first = { index: mid, node, judged };
        hi = mid - 1;
      } else {
        lo = mid + 1;
      }
    }
    if (first === undefined) return finish('bisection', undefined, undefined);
    return finish('bisection', first.judged.own ? { node: first.node, value: values[first.index]!, judged: first.judged } : undefined, first.node.spec.name);
  } catch (err) {
    return { adapter: name, status: 'error', method: 'bisection', message: `the adapter could not run the graph with every node output marked (${refusal}), nor one node at a time: ${errorText(err)}` };
  }
}

/** Runs the model on every adapter and judges each output against the float64 reference. */
export async function runCheck(options: CheckOptions): Promise<CheckReport> {
  const start = performance.now();
  const { graph: vg, weights, feeds } = options;
  const fixed = options.tolerance;
  const depths = valueDepths(vg);
  const progress = options.onProgress ?? (() => undefined);
  // One float64 reference run with every value fetched serves the outputs and the localisation.
  const floatValues = nodeFloatValues(vg);
  const refRun = evaluateGraph(withOutputs(vg, floatValues), weights, feeds, { float64: true });
  const reference = new Map<string, Float64Array>();
  for (const [k, t] of Object.entries(refRun)) reference.set(k, t.data as Float64Array);
  for (const input of vg.graph.inputs) reference.set(input.name, toFloat64(feeds[input.name]!));
  for (const w of vg.weightNames) reference.set(w, toFloat64(weights.get(w)!));
  const skips = findSkips(vg);

  const adapters: AdapterEntry[] = [];
  const results: CheckOutputResult[] = [];
  const localizations: Localization[] = [];
  const produced = new Map<string, Record<string, HostTensor>>();
  for (const source of options.adapters) {
    const name = typeof source === 'string' ? source : source.name;
    let adapter: Adapter | undefined;
    if (typeof source === 'string') {
      const init = await initAdapter(name);
      adapter = init.adapter;
      if (adapter === undefined) {
        adapters.push(init.entry);
        progress(`check: ${name} unavailable: ${init.entry.reason ?? ''}`);
        continue;
      }
    } else {
      try {
        adapter = await source.create();
        await adapter.init();
      } catch (err) {
        await adapter?.dispose().catch(() => undefined);
        const unavailable = err instanceof AdapterUnavailableError;
        adapters.push({ name, available: false, reason: unavailable ? err.reason : `init failed: ${errorText(err)}`, ...(unavailable ? { fix: err.fix ?? null } : {}) });
        progress(`check: ${name} unavailable: ${errorText(err)}`);
        continue;
      }
    }
    progress(`check: running ${name}`);
    try {
      const t0 = performance.now();
      let run: Awaited<ReturnType<typeof runOn>> | undefined;
      let failure: string | undefined;
      try {
        run = await runOn(adapter, vg, weights, feeds);
      } catch (err) {
        failure = errorText(err);
      }
      const ms = performance.now() - t0;
      const backend = run === undefined ? null : [run.info.executionProvider, run.info.backend].filter((s) => s !== undefined).join(' / ') || null;
      adapters.push({ name, available: true, reason: null, backend });
      let failed = false;
      for (const output of vg.graph.outputs) {
        const info = vg.values.get(output)!;
        const tol = toleranceAt(info.dtype, depths.get(output) ?? 1, fixed);
        const base = { adapter: name, output, atol: tol.atol, rtol: tol.rtol, depth: depths.get(output) ?? 0, ms };
        const got = run?.outputs[output];
        if (got === undefined) {
          failed = true;
          results.push({ ...base, status: 'fail', maxAbsError: null, maxRelError: null, errorRatio: null, message: failure ?? `output '${output}' is missing from the adapter's results` });
          continue;
        }
        const c = compareTensor(got, reference.get(output)!, info.shape, tol);
        if (typeof c === 'string') {
          failed = true;
          results.push({ ...base, status: 'fail', maxAbsError: null, maxRelError: null, errorRatio: null, message: `output '${output}': ${c}` });
          continue;
        }
        if (!c.pass) failed = true;
        results.push({
          ...base,
          status: c.pass ? 'pass' : 'fail',
          maxAbsError: encodeNumber(c.maxAbsError),
          maxRelError: encodeNumber(c.maxRelError),
          errorRatio: encodeNumber(c.errorRatio),
          worst: worstOf(c),
          ...(c.pass
            ? {}
            : {
                message: `output '${output}': ${c.mismatches} of ${c.size} elements out of tolerance (atol ${tol.atol.toExponential(3)}, rtol ${tol.rtol.toExponential(3)}, depth ${depths.get(output)}); worst at ${formatIndex(c.worstIndex)}: got ${formatNumber(c.got)}, want ${formatNumber(c.want)}`,
              }),
        });
      }
      if (run !== undefined) produced.set(name, run.outputs);
      if (failed && run !== undefined && options.localize !== false) {
        progress(`check: ${name} failed; localising`);
        localizations.push(await localize(adapter, name, vg, weights, feeds, reference, fixed, skips));
      }
    } finally {
      await adapter.dispose();
    }
  }

  // Every pair of adapters that produced an output, against each other.
  const pairs: PairDifference[] = [];
  const names = [...produced.keys()];
  for (let i = 0; i < names.length; i++) {
    for (let j = i + 1; j < names.length; j++) {
      for (const output of vg.graph.outputs) {
        const a = produced.get(names[i]!)![output];
        const b = produced.get(names[j]!)![output];
        if (a === undefined || b === undefined || a.shape.join() !== b.shape.join()) continue;
        const c = compareValues(toFloat64(a), toFloat64(b), b.shape, { atol: 0, rtol: 0 });
        pairs.push({ a: names[i]!, b: names[j]!, output, maxAbsDiff: encodeNumber(c.maxAbsError), maxRelDiff: encodeNumber(c.maxRelError) });
      }
    }
  }

  const failed = [...new Set(results.filter((r) => r.status === 'fail').map((r) => r.adapter))];
  const unavailable = adapters.filter((a) => !a.available).map((a) => a.name);
  const unavailableRequired = unavailable.filter((a) => options.requireAdapters?.includes(a));
  return {
    format: CHECK_FORMAT,
    version: 1,
    model: options.model,
    generatedAt: new Date().toISOString(),
    machine: machineInfo(),
    inputs: vg.graph.inputs.map((i) => ({ name: i.name, dtype: i.dtype, shape: [...i.shape] })),
    outputs: [...vg.graph.outputs],
    tolerance: fixed ?? null,
    adapters,
    results,
    localizations,
    pairs,
    summary: { ok: failed.length === 0 && unavailableRequired.length === 0, failed, unavailable, unavailableRequired, ms: performance.now() - start },
  };
}

/** The model's name in case ids: its file name, which has no '/'. */
function modelLabel(model: string): string {
  return model.split(/[\\/]/).pop() || model;
}

/**
 * A check report as conformance results, one "case" per output (`check/<model file>/<output>`),
 * so that the conformance HTML page and `report merge` show both kinds the same way. A failed
 * output's message carries the adapter's localisation.
 */
export function checkAsConformance(report: CheckReport): ConformanceReport {
  const results: CaseResult[] = report.results.map((r) => {
    const l = report.localizations.find((x) => x.adapter === r.adapter);
    const message = r.status === 'fail' ? [r.message ?? '', l?.message ?? ''].filter((m) => m !== '').join('\n') : undefined;
    return {
      case: `check/${modelLabel(report.model)}/${r.output}`,
      adapter: r.adapter,
      status: r.status,
      maxAbsError: r.maxAbsError,
      maxRelError: r.maxRelError,
      errorRatio: r.errorRatio,
      ...(r.worst ? { worst: { output: r.output, ...r.worst } } : {}),
      ms: r.ms,
      ...(message !== undefined ? { message } : {}),
    };
  });
  return {
    format: 'skipconn.conformance.report',
    version: 1,
    adapters: report.adapters,
    results,
    summary: summarize(report.adapters, results, report.outputs.length, report.summary.ms, report.summary.unavailableRequired),
  };
}

/**
 * skipconn inspect <model> [--json] [--html <file>] [--svg <file>] [--input ... | --seeded]
 * [--gradients]: inputs, outputs, op counts and the skip-connection table with what each skip
 * costs, optionally its signal (reference evaluator) and gradient flow (tfjs), and the skip map.
 * The --json shape is stable: { inputs, outputs, ops, skips: [{ kind, from, to, span, merge, ...costs }] }
 * (see docs/cli.md); fields are only ever added.
 */
import { findSkips, formatShape, skipCosts, skipSignals, type HostTensor, type SkipConnection, type SkipCost, type SkipSignal, type ValidatedGraph } from '@skipconn/core';
import * as path from 'path';
import { EXIT_OK, UsageError, flag, parseArgs, writeOutputFile, type Command } from '../command';
import { renderSkipMapHtml } from '../skip-map/html';
import { renderSkipMapSvg, type SkipMapInput } from '../skip-map/svg';
import { seededInputs } from '../verify';
import { checkInputNames, readInputs } from './run';
import { inspectGradients, type GradientSummary, type SkipGradient } from '../gradients';
import { loadModel } from '../model';
import { renderTable } from '../table';

export interface InspectReport {
  readonly model: string;
  readonly format: string;
  readonly inputs: { name: string; dtype: string; shape: number[]; layout: string | null }[];
  readonly outputs: { name: string; dtype: string; shape: number[]; layout: string | null }[];
  readonly ops: Record<string, number>;
  readonly skips: InspectSkip[];
  /** With --input or --seeded: where the activations came from ('seeded', or input name -> file). */
  readonly signalInputs?: 'seeded' | Record<string, string>;
  /** With --gradients: where the gradients came from (runtime and inputs), or why they are not available. */
  readonly gradientFlow?: GradientSummary & { readonly inputs: 'seeded' | Record<string, string> };
}

/** One skip: where it is (findSkips) and what it costs (skipCosts); see docs/cli.md. */
export interface InspectSkip extends SkipCost {
  readonly kind: string;
  readonly from: string;
  readonly to: string;
  readonly span: number;
  readonly merge: string;
  readonly detail: string;
  readonly bypassed: string[];
  readonly shortcut: string[];
  /** With --input or --seeded: the reference evaluator's statistics at the merge (null for a concat). */
  readonly signal?: SkipSignal | null;
  /** With --gradients: gradient norms at the fork and the merge inputs, with and without the shortcuts. */
  readonly gradient?: SkipGradient | null;
}

/** `weights` supplies learned scale values; without them those values are null. */
export function inspectReport(model: string, format: string, vg: ValidatedGraph, skips: readonly SkipConnection[] = findSkips(vg), weights?: ReadonlyMap<string, HostTensor>): InspectReport {
  const costs = skipCosts(vg, skips, weights);
  const info = (name: string) => {
    const v = vg.values.get(name)!;
    return { name, dtype: v.dtype, shape: [...v.shape], layout: v.layout ?? null };
  };
  const ops: Record<string, number> = {};
  for (const n of vg.nodes) ops[n.spec.op] = (ops[n.spec.op] ?? 0) + 1;
  return {
    model,
    format,
    inputs: vg.graph.inputs.map((i) => info(i.name)),
    outputs: vg.graph.outputs.map(info),
    ops: Object.fromEntries(Object.entries(ops).sort(([a], [b]) => a.localeCompare(b))),
    skips: skips.map((s, i) => ({
      kind: s.kind,
      from: s.from,
      to: s.to,
      span: s.span,
      merge: s.merge,
      detail: s.detail,
      bypassed: [...s.bypassed],
      shortcut: [...s.shortcut],
      ...costs[i]!,
    })),
  };
}

/** The detail column: the variant, then what the JSON adds that is worth reading in a table. */
function costDetail(s: InspectSkip): string {
  const parts = [s.detail];
  if (s.shortcutParams > 0) parts.push(`shortcut ${s.shortcutParams} params`);
  if (s.concat !== null) parts.push(`+${s.concat.channelGrowth} channels, ${s.concat.naiveBytes} B naive / ${s.concat.zeroCopyBytes} B zero-copy`);
  if (s.scheme !== null && s.scheme !== 'stochastic depth') parts.push(s.scheme);
  if (s.signal?.ratio != null) parts.push(`body/shortcut RMS ${s.signal.ratio.toPrecision(3)}`);
  if (s.signal?.gateMean != null) parts.push(`mean gate ${s.signal.gateMean.toPrecision(3)}`);
  if (s.signal?.transformMean != null) parts.push(`mean T ${s.signal.transformMean.toPrecision(3)}`);
  return parts.join(', ');
}

function formatReport(r: InspectReport): string {
  const value = (v: InspectReport['inputs'][number]) => `  ${v.name}: ${v.dtype} ${formatShape(v.shape)}${v.layout ? ` ${v.layout}` : ''}`;
  const lines = [`${r.model} (${r.format})`, 'inputs:', ...r.inputs.map(value), 'outputs:', ...r.outputs.map(value), 'ops:'];
  lines.push(
    `  ${Object.entries(r.ops)
      .map(([op, n]) => `${op} ${n}`)
      .join(', ')}`,
  );
  lines.push(`skip connections: ${r.skips.length}`);
  if (r.skips.length > 0) {
    lines.push(
      renderTable(
        ['kind', 'from', 'to', 'span', 'merge', 'params', 'out bytes', 'detail'],
        r.skips.map((s) => [s.kind, s.from, s.to, String(s.span), s.merge, String(s.bodyParams + s.shortcutParams), String(s.mergeOutputBytes), costDetail(s)]),
      ),
    );
  }
  if (r.gradientFlow !== undefined) {
    const g = r.gradientFlow;
    if (!g.available) {
      lines.push(`gradient flow: not available on ${g.runtime}: ${g.reason}`);
    } else {
      lines.push(`gradient flow (${g.runtime}; ${g.loss}; |g| is an L2 norm): L = ${g.value.toPrecision(4)}, with every residual shortcut cut L = ${g.valueSkipsRemoved.toPrecision(4)}`);
      const fmt = (v: number) => v.toPrecision(3);
      if (r.skips.length > 0)
        lines.push(
          renderTable(
            ['merge', '|dL/dfork|', '|dL/dinputs|', 'skips removed: |dL/dfork|', '|dL/dinputs|'],
            r.skips.map((s) => [s.merge, fmt(s.gradient!.fork), s.gradient!.inputs.map(fmt).join(' '), fmt(s.gradient!.forkSkipsRemoved), s.gradient!.inputsSkipsRemoved.map(fmt).join(' ')]),
          ),
        );
    }
  }
  return lines.join('\n');
}

/** What the skip map draws: the report's skips over the graph's nodes in topological order. */
export function skipMapInput(report: InspectReport, vg: ValidatedGraph): SkipMapInput {
  const notes: string[] = [];
  if (report.signalInputs !== undefined) {
    notes.push(
      `signal: reference evaluator (float64) on ${
        report.signalInputs === 'seeded'
          ? 'seeded inputs (uniform [-1, 1))'
          : Object.entries(report.signalInputs)
              .map(([k, f]) => `${k} = ${f}`)
              .join(', ')
      }`,
    );
  }
  const g = report.gradientFlow;
  if (g !== undefined) {
    const on =
      g.inputs === 'seeded'
        ? 'seeded inputs'
        : Object.entries(g.inputs)
            .map(([k, f]) => `${k} = ${f}`)
            .join(', ');
    notes.push(
      g.available
        ? `gradient flow on ${g.runtime} at ${on}, ${g.loss}: L = ${g.value.toPrecision(4)}; with every residual shortcut cut L = ${g.valueSkipsRemoved.toPrecision(4)}`
        : `gradient flow: not available on ${g.runtime}: ${g.reason}`,
    );
  }
  return {
    notes,
    title: report.model,
    nodes: vg.nodes.map((n) => ({ name: n.spec.name, op: n.spec.op, outputs: n.spec.outputs })),
    skips: report.skips,
  };
}

export const inspectCommand: Command = {
  name: 'inspect',
  usage: 'skipconn inspect <model> [--json] [--html <file>] [--svg <file>] [--input <name>=<file.npy> ... | --seeded] [--gradients]',
  summary: "print a model's inputs, outputs, op counts and skip connections; draw its skip map",
  async run(args, io) {
    const parsed = parseArgs(args, ['html', 'svg', 'input'], ['json', 'seeded', 'gradients']);
    if (parsed.flags.has('input') && parsed.flags.has('seeded')) throw new UsageError('give --input or --seeded, not both');
    if (parsed.positional.length !== 1) throw new UsageError(`expected one model file, received ${parsed.positional.length}`);
    const htmlFile = flag(parsed, 'html');
    const svgFile = flag(parsed, 'svg');
    for (const [name, file] of [
      ['--html', htmlFile],
      ['--svg', svgFile],
    ] as const) {
      if (file !== undefined && file.trim() === '') throw new UsageError(`${name} needs a file name`);
    }
    const model = await loadModel(parsed.positional[0]!, io.cwd);
    const skips = findSkips(model.validated);
    let report = inspectReport(parsed.positional[0]!, model.format, model.validated, skips, model.weights);
    const wantsSignal = parsed.flags.has('input') || parsed.flags.has('seeded');
    // Gradients need inputs too: the given ones, else seeded.
    const feeds = wantsSignal || parsed.flags.has('gradients') ? (parsed.flags.has('input') ? readInputs(parsed, io.cwd) : seededInputs(model.validated)) : undefined;
    if (feeds !== undefined) checkInputNames(model.validated, feeds);
    // Where the feeds came from, as the report states it: 'seeded', or input name -> file.
    const feedSource = parsed.flags.has('input') ? Object.fromEntries((parsed.flags.get('input') ?? []).map((spec) => [spec.slice(0, spec.indexOf('=')), spec.slice(spec.indexOf('=') + 1)])) : ('seeded' as const);
    if (wantsSignal && feeds !== undefined) {
      const signals = skipSignals(model.validated, model.weights, feeds, skips);
      report = { ...report, skips: report.skips.map((s, i) => ({ ...s, signal: signals[i]! })), signalInputs: feedSource };
    }
    if (parsed.flags.has('gradients') && feeds !== undefined) {
      const { summary, perSkip } = await inspectGradients(model, feeds, skips);
      report = { ...report, skips: report.skips.map((s, i) => ({ ...s, gradient: perSkip[i]! })), gradientFlow: { ...summary, inputs: feedSource } };
    }
    io.out(parsed.flags.has('json') ? JSON.stringify(report, null, 2) : formatReport(report));
    const map = skipMapInput(report, model.validated);
    if (htmlFile !== undefined) {
      const file = path.resolve(io.cwd, htmlFile);
      writeOutputFile(file, renderSkipMapHtml(map));
      io.err(`inspect: skip map written to ${file}`);
    }
    if (svgFile !== undefined) {
      const file = path.resolve(io.cwd, svgFile);
      writeOutputFile(file, renderSkipMapSvg(map, { legend: true }));
      io.err(`inspect: skip map SVG written to ${file}`);
    }
    return EXIT_OK;
  },
};

/**
 * skipconn inspect <model> [--json]: inputs, outputs, op counts and the skip-connection table.
 * The --json shape is stable: { inputs, outputs, ops, skips: [{ kind, from, to, span, merge }] }
 * (see docs/cli.md).
 */
import { findSkips, formatShape, type SkipConnection, type ValidatedGraph } from '@skipconn/core';
import { EXIT_OK, UsageError, parseArgs, type Command } from '../command';
import { loadModel } from '../model';
import { renderTable } from '../table';

export interface InspectReport {
  readonly model: string;
  readonly format: string;
  readonly inputs: { name: string; dtype: string; shape: number[]; layout: string | null }[];
  readonly outputs: { name: string; dtype: string; shape: number[]; layout: string | null }[];
  readonly ops: Record<string, number>;
  readonly skips: { kind: string; from: string; to: string; span: number; merge: string; detail: string; bypassed: string[] }[];
}

export function inspectReport(model: string, format: string, vg: ValidatedGraph, skips: readonly SkipConnection[] = findSkips(vg)): InspectReport {
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
    skips: skips.map((s) => ({ kind: s.kind, from: s.from, to: s.to, span: s.span, merge: s.merge, detail: s.detail, bypassed: [...s.bypassed] })),
  };
}

function formatReport(r: InspectReport): string {
  const value = (v: InspectReport['inputs'][number]) => `  ${v.name}: ${v.dtype} ${formatShape(v.shape)}${v.layout ? ` ${v.layout}` : ''}`;
  const lines = [`${r.model} (${r.format})`, 'inputs:', ...r.inputs.map(value), 'outputs:', ...r.outputs.map(value), 'ops:'];
  lines.push(`  ${Object.entries(r.ops).map(([op, n]) => `${op} ${n}`).join(', ')}`);
  lines.push(`skip connections: ${r.skips.length}`);
  if (r.skips.length > 0) {
    lines.push(renderTable(['kind', 'from', 'to', 'span', 'merge', 'detail'], r.skips.map((s) => [s.kind, s.from, s.to, String(s.span), s.merge, s.detail])));
  }
  return lines.join('\n');
}

export const inspectCommand: Command = {
  name: 'inspect',
  usage: 'skipconn inspect <model> [--json]',
  summary: 'print a model\'s inputs, outputs, op counts and skip connections',
  async run(args, io) {
    const parsed = parseArgs(args, [], ['json']);
    if (parsed.positional.length !== 1) throw new UsageError(`expected one model file, received ${parsed.positional.length}`);
    const model = await loadModel(parsed.positional[0]!, io.cwd);
    const report = inspectReport(parsed.positional[0]!, model.format, model.validated);
    io.out(parsed.flags.has('json') ? JSON.stringify(report, null, 2) : formatReport(report));
    return EXIT_OK;
  },
};

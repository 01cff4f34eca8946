/**
 * Joins conformance and check JSON reports made on different machines (a GPU runner, a browser
 * runner, CPU CI) into one conformance report, so one matrix shows every run side by side.
 *
 * Each adapter keeps its runtime info (backend) and gains the machine and the file it came from.
 * An adapter name found in more than one report is made unique as `<name> @ <host>` (or
 * `@ <file name>` when the hosts are the same or unknown); its own name stays in `adapter`.
 * Check reports become one case per output, `check/<model file>/<output>` (checkAsConformance).
 */
import { SkipconnError } from '@skipconn/core';
import { CHECK_FORMAT, checkAsConformance, type CheckReport } from '../check';
import { summarize } from '../runner';
import type { AdapterEntry, CaseResult, ConformanceReport, MachineInfo } from '../types';

export interface ReportSource {
  /** Shown in messages and kept in the merged report. */
  readonly file: string;
  /** The parsed JSON. */
  readonly data: unknown;
}

const CONFORMANCE_FORMAT = 'skipconn.conformance.report';

function asConformance(source: ReportSource): { report: ConformanceReport; format: string; machine: MachineInfo | null } {
  const d = source.data as { format?: unknown; version?: unknown; adapters?: unknown; results?: unknown } | null;
  const format = d !== null && typeof d === 'object' ? d.format : undefined;
  if (format !== CONFORMANCE_FORMAT && format !== CHECK_FORMAT) {
    throw new SkipconnError(
      'INPUT_INVALID',
      `${source.file}: not a skipconn report: expected "format": "${CONFORMANCE_FORMAT}" or "${CHECK_FORMAT}", received ${format === undefined ? 'no format field' : JSON.stringify(format)}`,
    );
  }
  if (d!.version !== 1) throw new SkipconnError('INPUT_INVALID', `${source.file}: ${String(format)} version ${JSON.stringify(d!.version)}; this skipconn reads version 1`);
  if (!Array.isArray(d!.adapters) || !Array.isArray(d!.results)) throw new SkipconnError('INPUT_INVALID', `${source.file}: expected "adapters" and "results" arrays`);
  if (format === CHECK_FORMAT) {
    const check = source.data as CheckReport;
    return { report: checkAsConformance(check), format: CHECK_FORMAT, machine: check.machine ?? null };
  }
  const report = source.data as ConformanceReport;
  return { report, format: CONFORMANCE_FORMAT, machine: report.machine ?? null };
}

function fileName(file: string): string {
  return file.split(/[\\/]/).pop() || file;
}

export function mergeReports(sources: readonly ReportSource[]): ConformanceReport {
  if (sources.length === 0) throw new SkipconnError('USAGE', 'report merge needs at least one report file');
  const parsed = sources.map((s) => ({ source: s, ...asConformance(s) }));
  // How many reports name each adapter, and on which hosts.
  const hostsOf = new Map<string, Set<string | undefined>>();
  const countOf = new Map<string, number>();
  for (const p of parsed) {
    for (const a of p.report.adapters) {
      countOf.set(a.name, (countOf.get(a.name) ?? 0) + 1);
      hostsOf.set(a.name, (hostsOf.get(a.name) ?? new Set()).add(p.machine?.host));
    }
  }
  const used = new Set<string>();
  const adapters: AdapterEntry[] = [];
  const results: CaseResult[] = [];
  for (const p of parsed) {
    const rename = new Map<string, string>();
    for (const a of p.report.adapters) {
      let name = a.name;
      if ((countOf.get(a.name) ?? 0) > 1) {
        const hosts = hostsOf.get(a.name)!;
        const byHost = p.machine !== null && hosts.size === countOf.get(a.name) && !hosts.has(undefined);
        name = `${a.name} @ ${byHost ? p.machine!.host : fileName(p.source.file)}`;
      }
      for (let i = 2; used.has(name); i++) name = `${name.replace(/ #\d+$/, '')} #${i}`;
      used.add(name);
      rename.set(a.name, name);
      adapters.push({ ...a, name, adapter: a.adapter ?? a.name, machine: a.machine ?? p.machine, source: p.source.file });
    }
    for (const r of p.report.results) results.push({ ...r, adapter: rename.get(r.adapter) ?? r.adapter });
  }
  const cases = new Set(results.map((r) => r.case)).size;
  const ms = parsed.reduce((sum, p) => sum + (p.report.summary?.ms ?? 0), 0);
  const required = parsed.flatMap((p) => (p.report.summary?.unavailableRequired ?? []).map((a) => (p.report.adapters.find((x) => x.name === a) ? rename(p, a, adapters) : a)));
  return {
    format: 'skipconn.conformance.report',
    version: 1,
    sources: parsed.map((p) => ({ file: p.source.file, format: p.format, machine: p.machine })),
    adapters,
    results,
    summary: summarize(adapters, results, cases, ms, required),
  };
}

/** The merged name of adapter `name` from report `p`. */
function rename(p: { source: ReportSource }, name: string, adapters: readonly AdapterEntry[]): string {
  return adapters.find((a) => a.source === p.source.file && a.adapter === name)?.name ?? name;
}

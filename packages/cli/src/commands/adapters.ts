/**
 * skipconn adapters [--json]: every registered adapter, whether it can run here, and if not, why
 * and how to enable it. --json: { adapters: [{ name, available, priority, description, reason,
 * fix }], packages: [{ package, loaded, error }] } (see docs/conformance.md).
 */
import { probeAdapter, registeredAdapters } from '@skipconn/core';
import { EXIT_OK, UsageError, parseArgs, type Command } from '../command';
import { loadAdapterPackages } from '../adapters';
import { renderTable } from '../table';

export interface AdaptersReport {
  readonly adapters: { name: string; available: boolean; priority: number; description: string; reason: string | null; fix: string | null }[];
  readonly packages: { package: string; loaded: boolean; error: string | null }[];
}

export async function adaptersReport(): Promise<AdaptersReport> {
  const packages = await loadAdapterPackages();
  const adapters: AdaptersReport['adapters'] = [];
  for (const reg of registeredAdapters()) {
    const a = await probeAdapter(reg.name);
    adapters.push({ name: reg.name, available: a.available, priority: reg.priority, description: reg.description, reason: a.reason ?? null, fix: a.fix ?? null });
  }
  return { adapters, packages: packages.map((p) => ({ package: p.package, loaded: p.loaded, error: p.error ?? null })) };
}

export const adaptersCommand: Command = {
  name: 'adapters',
  usage: 'skipconn adapters [--json]',
  summary: 'list every adapter, whether it can run here, and why not',
  async run(args, io) {
    const parsed = parseArgs(args, [], ['json']);
    if (parsed.positional.length > 0) throw new UsageError(`expected no arguments, received ${parsed.positional.join(' ')}`);
    const report = await adaptersReport();
    if (parsed.flags.has('json')) {
      io.out(JSON.stringify(report, null, 2));
      return EXIT_OK;
    }
    const rows = report.adapters.map((a) => [a.name, a.available ? 'yes' : 'no', String(a.priority), a.description]);
    const lines = [renderTable(['adapter', 'available', 'priority', 'runs on'], rows)];
    const unavailable = report.adapters.filter((a) => !a.available);
    if (unavailable.length > 0) lines.push('', 'unavailable:');
    for (const a of unavailable) {
      lines.push(`  ${a.name}: ${a.reason ?? 'unknown reason'}`);
      if (a.fix) lines.push(`    to enable: ${a.fix}`);
    }
    const missing = report.packages.filter((p) => !p.loaded && p.error === null).map((p) => p.package);
    if (missing.length > 0) lines.push('', `not installed: ${missing.join(', ')}`);
    for (const p of report.packages.filter((x) => x.error !== null)) lines.push(`failed to load ${p.package}: ${p.error}`);
    io.out(lines.join('\n'));
    return EXIT_OK;
  },
};

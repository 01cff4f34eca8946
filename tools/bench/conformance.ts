/**
 * The conformance suite on adapter `webgpu` without jest, for GPU machines where only Node and the
 * `webgpu` package are at hand: `tsx tools/bench/conformance.ts [--filter GLOB] [--json FILE]`.
 * Exit code 1 when a case fails or the adapter is unavailable.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadCases, loadGoldens, runConformance } from '@skipconn/conformance';
import '@skipconn/webgpu';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const root = arg('--root') ?? process.cwd();
  const report = await runConformance({
    adapters: ['webgpu'],
    requireAdapters: ['webgpu'],
    filter: arg('--filter'),
    cases: loadCases(path.join(root, 'packages/conformance/cases')),
    goldens: loadGoldens(path.join(root, 'packages/conformance/goldens')),
  });
  for (const a of report.adapters) console.log(`${a.name}: ${a.available ? `available (${a.backend ?? '?'})` : `unavailable: ${a.reason}`}`);
  const failed = report.results.filter((r) => r.status === 'fail');
  for (const r of failed) console.log(`FAIL ${r.case}: ${r.message ?? ''}`);
  const counts = new Map<string, number>();
  for (const r of report.results) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  console.log(`conformance on webgpu: ${[...counts].map(([s, n]) => `${n} ${s}`).join(', ')}`);
  const json = arg('--json');
  if (json !== undefined) fs.writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  if (!report.summary.ok) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exitCode = 1;
});

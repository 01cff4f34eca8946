/**
 * skipconn check <model> [--adapters a,b|all] [--browser] [--input <name>=<file.npy> ...]
 *                [--json <file>] [--html <file>] [--atol <n> --rtol <n>] [--no-localize]
 *
 * Runs the user's model on every requested adapter, compares each output with the float64
 * reference evaluator and the adapters with each other, and, for an adapter that fails, names
 * the first node that diverges on its own and the skip connection it lies in (runCheck in
 * @skipconn/conformance; the rule is in docs/conformance.md). Inputs: the --input files, or
 * seeded ones as `port --verify` makes them. Exit 0 when every adapter passes, 1 when one fails
 * or a named adapter cannot run, 2 for bad input. Reports are written atomically.
 */
import * as path from 'path';
import { formatShape, registeredAdapters } from '@skipconn/core';
import { checkAsConformance, formatIndex, formatNumber, renderHtmlReport, requiredAdaptersFromEnv, runCheck, type CheckReport, type Tolerance } from '@skipconn/conformance';
import { EXIT_CHECK_FAILED, EXIT_OK, UsageError, flag, parseArgs, writeOutputFile, type Command } from '../command';
import { loadAdapterPackages, loadBrowserAdapters } from '../adapters';
import { loadModel } from '../model';
import { renderTable } from '../table';
import { verifyFeeds } from '../verify';

function toleranceFlags(atol: string | undefined, rtol: string | undefined): Tolerance | undefined {
  if (atol === undefined && rtol === undefined) return undefined;
  if (atol === undefined || rtol === undefined) throw new UsageError('--atol and --rtol go together: give both, or neither for the per-dtype policy');
  const parse = (name: string, text: string): number => {
    const v = Number(text);
    if (text.trim() === '' || !Number.isFinite(v) || v < 0) throw new UsageError(`--${name}: expected a number >= 0, received '${text}'`);
    return v;
  };
  return { atol: parse('atol', atol), rtol: parse('rtol', rtol) };
}

function num(v: number | string | null): string {
  return v === null ? '-' : formatNumber(Number(v));
}

/** The terminal report: adapter x output matrix, localisations, then adapters against each other. */
export function renderCheckReport(r: CheckReport): string {
  const lines = [
    `check ${r.model}: inputs ${r.inputs.map((i) => `${i.name} ${i.dtype} ${formatShape(i.shape)}`).join(', ')}; tolerance ${r.tolerance === null ? 'per dtype, widened with depth' : `atol ${r.tolerance.atol}, rtol ${r.tolerance.rtol}`}`,
    '',
  ];
  const backend = new Map(r.adapters.map((a) => [a.name, a.available ? (a.backend ?? '') : `n/a: ${a.reason ?? ''}`]));
  const rows = r.results.map((x) => [
    x.adapter,
    x.output,
    x.status === 'pass' ? 'pass' : 'FAIL',
    num(x.maxAbsError),
    num(x.maxRelError),
    num(x.errorRatio),
    x.worst ? formatIndex(x.worst.index) : '-',
    backend.get(x.adapter) ?? '',
  ]);
  for (const a of r.adapters.filter((x) => !x.available)) rows.push([a.name, '-', 'n/a', '-', '-', '-', '-', a.reason ?? '']);
  lines.push(renderTable(['adapter', 'output', 'result', 'max abs', 'max rel', 'err/tol', 'worst index', 'what ran'], rows));
  for (const x of r.results.filter((y) => y.status === 'fail' && y.message !== undefined)) lines.push('', `FAIL ${x.adapter}: ${x.message}`);
  for (const l of r.localizations) lines.push('', `${l.adapter}: ${l.message}${l.method ? ` (${l.method})` : ''}`);
  if (r.pairs.length > 0) {
    lines.push('', 'adapters against each other (max abs / max rel difference):');
    lines.push(
      renderTable(
        ['a', 'b', 'output', 'max abs', 'max rel'],
        r.pairs.map((p) => [p.a, p.b, p.output, num(p.maxAbsDiff), num(p.maxRelDiff)]),
      ),
    );
  }
  const s = r.summary;
  lines.push(
    '',
    s.ok ? `check: ok (${r.results.length} outputs on ${new Set(r.results.map((x) => x.adapter)).size} adapters)` : `check: FAILED (${[...s.failed, ...s.unavailableRequired.map((a) => `${a} unavailable`)].join(', ')})`,
  );
  return lines.join('\n');
}

export const checkCommand: Command = {
  name: 'check',
  usage: 'skipconn check <model> [--adapters a,b|all] [--browser] [--input <name>=<file.npy> ...] [--json <file>] [--html <file>] [--atol <n> --rtol <n>] [--no-localize]',
  summary: 'run a model on every adapter against the reference; name the first divergent node of a failing one',
  async run(args, io) {
    const parsed = parseArgs(args, ['adapters', 'input', 'json', 'html', 'atol', 'rtol'], ['browser', 'no-localize']);
    if (parsed.positional.length !== 1) throw new UsageError(`expected one model file, received ${parsed.positional.length}`);
    const tolerance = toleranceFlags(flag(parsed, 'atol'), flag(parsed, 'rtol'));
    const jsonFile = flag(parsed, 'json');
    const htmlFile = flag(parsed, 'html');
    for (const [name, file] of [
      ['--json', jsonFile],
      ['--html', htmlFile],
    ] as const) {
      if (file !== undefined && file.trim() === '') throw new UsageError(`${name} needs a file name`);
    }
    const model = await loadModel(parsed.positional[0]!, io.cwd);
    const feeds = verifyFeeds(parsed, io.cwd, model.validated);

    const packages = await loadAdapterPackages();
    for (const p of packages.filter((x) => x.error !== undefined)) io.err(`check: ${p.package} is installed but failed to load: ${p.error}`);
    const adaptersFlag = flag(parsed, 'adapters');
    const browser = parsed.flags.has('browser') || (adaptersFlag ?? '').includes('@chromium') ? await loadBrowserAdapters() : undefined;
    const known = registeredAdapters().map((a) => a.name);
    let adapters: string[];
    let named: string[] = [];
    if (adaptersFlag !== undefined && adaptersFlag.trim() !== 'all') {
      adapters = adaptersFlag
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
      if (adapters.length === 0) throw new UsageError('--adapters needs a comma-separated list of adapter names, or all');
      const unknown = adapters.filter((a) => !known.includes(a));
      if (unknown.length > 0) throw new UsageError(`unknown adapter ${unknown.map((a) => `'${a}'`).join(', ')}: expected one of ${known.join(', ')}, or all`);
      named = adapters;
    } else {
      // 'all': the Node adapters, plus the '@chromium' ones with --browser.
      adapters = browser !== undefined && adaptersFlag === undefined ? [...browser.names] : known.filter((a) => browser !== undefined || !a.endsWith('@chromium'));
    }
    // Adapters named with --adapters must run. REQUIRE_ADAPTERS (CI) makes the adapters of a run
    // over all of them mandatory, and adds those nobody registered, but never widens a list the
    // user gave.
    const required = adaptersFlag !== undefined && adaptersFlag.trim() !== 'all' ? named : [...new Set(requiredAdaptersFromEnv())];
    const report = await runCheck({
      model: parsed.positional[0]!,
      graph: model.validated,
      weights: model.weights,
      feeds,
      // A required adapter nobody registered (its package is missing) is reported unavailable.
      adapters: [...new Set([...adapters, ...required])],
      requireAdapters: required,
      ...(tolerance !== undefined ? { tolerance } : {}),
      localize: !parsed.flags.has('no-localize'),
      onProgress: (line) => io.err(line),
    });

    io.out(renderCheckReport(report));
    if (jsonFile !== undefined) {
      const file = path.resolve(io.cwd, jsonFile);
      writeOutputFile(file, `${JSON.stringify(report, null, 2)}\n`);
      io.err(`check: JSON report written to ${file}`);
    }
    if (htmlFile !== undefined) {
      const file = path.resolve(io.cwd, htmlFile);
      writeOutputFile(file, renderHtmlReport(checkAsConformance(report), { title: `skipconn check ${path.basename(report.model)}`, generatedAt: report.generatedAt }));
      io.err(`check: HTML report written to ${file}`);
    }
    return report.summary.ok ? EXIT_OK : EXIT_CHECK_FAILED;
  },
};

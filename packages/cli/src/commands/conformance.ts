/**
 * skipconn conformance [--adapters a,b|all] [--filter <glob>] [--json <file>] [--html <file>] [--browser]
 *
 * Runs the conformance suite on the chosen adapters (default: every registered adapter; the
 * unavailable ones are reported with their reason) and prints the case group x adapter matrix.
 * --browser also registers the browser harness's adapters ('ort-web:webgpu@chromium', ...: the
 * real adapters inside headless Chromium, see docs/browser.md) and runs those unless --adapters
 * names others; naming an '@chromium' adapter in --adapters implies it.
 * Exit 1 when a case fails, when an adapter named in --adapters or in REQUIRE_ADAPTERS is
 * unavailable; exit 2 on bad usage. Report files are written atomically (temp file + rename).
 */
import * as path from 'path';
import { checkOutputDir } from '@skipconn/core/node';
import { caseFilter, caseGroup, loadCases, renderHtmlReport, renderJsonReport, renderTerminalReport, requiredAdaptersFromEnv, runConformance, type CaseResult, type ProgressEvent } from '@skipconn/conformance';
import { registeredAdapters } from '@skipconn/core';
import { EXIT_CHECK_FAILED, EXIT_OK, UsageError, flag, parseArgs, writeOutputFile, type Command, type CommandIO } from '../command';
import { loadAdapterPackages, loadBrowserAdapters, packageExpectFail } from '../adapters';

/** A one-line progress bar redrawn in place on a terminal. */
function ttyProgress(stream: NodeJS.WriteStream): { update(e: ProgressEvent): void; done(): void } {
  let last = 0;
  return {
    update(e) {
      const now = Date.now();
      if (e.done !== e.total && now - last < 50) return;
      last = now;
      const width = Math.max(20, Math.min(40, (stream.columns ?? 80) - 60));
      const filled = e.total === 0 ? width : Math.round((e.done / e.total) * width);
      const label = `${e.adapter} ${e.result?.case ?? ''}`;
      const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${e.done}/${e.total} ${label}`;
      stream.write(`\r${line.slice(0, (stream.columns ?? 80) - 1).padEnd((stream.columns ?? 80) - 1)}`);
    },
    done() {
      stream.write(`\r${' '.repeat((stream.columns ?? 80) - 1)}\r`);
    },
  };
}

/** Plain progress lines (CI logs): one per adapter start and one per finished case group. */
function lineProgress(io: CommandIO): { update(e: ProgressEvent): void; done(): void } {
  let current: { adapter: string; group: string; counts: Record<CaseResult['status'], number> } | undefined;
  const flush = () => {
    if (current === undefined) return;
    const c = current.counts;
    const parts = [`${c.pass} pass`, c.fail ? `${c.fail} FAIL` : '', c['expected-fail'] ? `${c['expected-fail']} expected-fail` : '', c.skip ? `${c.skip} skip` : ''].filter(Boolean);
    io.err(`  ${current.adapter}  ${current.group}: ${parts.join(', ')}`);
    current = undefined;
  };
  return {
    update(e) {
      if (e.kind === 'unavailable') {
        flush();
        io.err(`conformance: ${e.adapter} unavailable: ${e.reason ?? 'unknown reason'}`);
        return;
      }
      if (e.kind === 'start') {
        flush();
        io.err(`conformance: running ${e.adapter}`);
        return;
      }
      const r = e.result!;
      const group = caseGroup(r.case);
      if (current === undefined || current.group !== group || current.adapter !== r.adapter) {
        flush();
        current = { adapter: r.adapter, group, counts: { pass: 0, fail: 0, skip: 0, 'expected-fail': 0 } };
      }
      current.counts[r.status]++;
    },
    done: flush,
  };
}

export const conformanceCommand: Command = {
  name: 'conformance',
  usage: 'skipconn conformance [--adapters a,b|all] [--filter <glob>] [--json <file>] [--html <file>] [--browser]',
  summary: 'run the conformance suite on adapters and print the case group x adapter matrix',
  async run(args, io) {
    const parsed = parseArgs(args, ['adapters', 'filter', 'json', 'html'], ['browser']);
    if (parsed.positional.length > 0) throw new UsageError(`unexpected argument ${parsed.positional[0]}; options are --adapters, --filter, --json, --html, --browser`);
    const packages = await loadAdapterPackages();
    for (const p of packages.filter((x) => x.error !== undefined)) io.err(`conformance: ${p.package} is installed but failed to load: ${p.error}`);

    const adaptersFlag = flag(parsed, 'adapters');
    // --browser hook (browser harness, see adapters.ts): registers the '@chromium' proxies first.
    const browser = parsed.flags.has('browser') || (adaptersFlag ?? '').includes('@chromium') ? await loadBrowserAdapters() : undefined;
    let adapters: string[] | 'all' = browser !== undefined ? [...browser.names] : 'all';
    let named: string[] = [];
    if (adaptersFlag !== undefined && adaptersFlag.trim() !== 'all') {
      adapters = adaptersFlag
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
      if (adapters.length === 0) throw new UsageError('--adapters needs a comma-separated list of adapter names, or all');
      const known = registeredAdapters().map((r) => r.name);
      const unknown = adapters.filter((a) => !known.includes(a));
      if (unknown.length > 0) throw new UsageError(`unknown adapter ${unknown.map((a) => `'${a}'`).join(', ')}: expected one of ${known.join(', ')}, or all`);
      named = adapters;
    } else if (adaptersFlag !== undefined) {
      adapters = 'all';
    }
    const filter = flag(parsed, 'filter');
    const select = caseFilter(filter);
    if (!loadCases().some((c) => select(c.id))) throw new UsageError(`--filter ${JSON.stringify(filter)} selects no case; ids look like merge/residual/layerscale/NHWC/[2,8,8,16]`);
    const jsonFile = flag(parsed, 'json');
    const htmlFile = flag(parsed, 'html');
    for (const [name, file] of [
      ['--json', jsonFile],
      ['--html', htmlFile],
    ] as const) {
      if (file !== undefined && file.trim() === '') throw new UsageError(`${name} needs a file name`);
      // Before the run, not after it: a report path through a file fails in a second, not minutes.
      if (file !== undefined) checkOutputDir(path.dirname(path.resolve(io.cwd, file)));
    }

    // Explicitly named adapters must run; REQUIRE_ADAPTERS adds more (CI sets it).
    const required = [...new Set([...requiredAdaptersFromEnv(), ...named])];
    const tty = io.isTTY && process.stderr.isTTY ? ttyProgress(process.stderr) : undefined;
    const progress = tty ?? lineProgress(io);
    const report = await runConformance({ adapters, filter, requireAdapters: required, expectFail: { ...packageExpectFail(packages), ...browser?.expectFail }, onProgress: (e) => progress.update(e) });
    progress.done();

    io.out(renderTerminalReport(report, { color: io.isTTY }));
    if (jsonFile !== undefined) {
      const file = path.resolve(io.cwd, jsonFile);
      writeOutputFile(file, renderJsonReport(report));
      io.err(`conformance: JSON report written to ${file}`);
    }
    if (htmlFile !== undefined) {
      const file = path.resolve(io.cwd, htmlFile);
      writeOutputFile(file, renderHtmlReport(report));
      io.err(`conformance: HTML report written to ${file}`);
    }
    return report.summary.ok ? EXIT_OK : EXIT_CHECK_FAILED;
  },
};

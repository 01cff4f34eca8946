/**
 * The terminal matrix: one row per case group ('merge/residual', 'op/conv2d', ...), one column per
 * adapter. A cell reads "passed/total" plus counts of failures, expected failures and skips; an
 * unavailable adapter's column reads "n/a". Failures are listed below with their first line.
 */
import { caseGroup } from '../glob';
import type { CaseResult, ConformanceReport, StatusCounts } from '../types';

export interface TerminalOptions {
  /** ANSI colors (on a TTY). */
  readonly color?: boolean;
  /** How many failures to list (default 40). */
  readonly maxFailures?: number;
}

const ANSI = { red: '\x1b[31m', green: '\x1b[32m', yellow: '\x1b[33m', grey: '\x1b[90m', bold: '\x1b[1m', reset: '\x1b[0m' };

function counts(results: readonly CaseResult[]): StatusCounts {
  const c: StatusCounts = { pass: 0, fail: 0, skip: 0, 'expected-fail': 0 };
  for (const r of results) c[r.status]++;
  return c;
}

function cellText(c: StatusCounts): string {
  const n = c.pass + c.fail + c.skip + c['expected-fail'];
  if (n === 0) return '-';
  const parts = [`${c.pass}/${n}`];
  if (c.fail) parts.push(`${c.fail} FAIL`);
  if (c['expected-fail']) parts.push(`${c['expected-fail']} xfail`);
  if (c.skip) parts.push(`${c.skip} skip`);
  return parts.join(' ');
}

function cellColor(c: StatusCounts): keyof typeof ANSI {
  if (c.fail) return 'red';
  if (c['expected-fail']) return 'yellow';
  if (c.pass === 0) return 'grey';
  return 'green';
}

/** Groups in first-seen order of the results (the case files' order). */
export function groupResults(report: ConformanceReport): Map<string, Map<string, CaseResult[]>> {
  const groups = new Map<string, Map<string, CaseResult[]>>();
  for (const r of report.results) {
    const g = caseGroup(r.case);
    const byAdapter = groups.get(g) ?? new Map<string, CaseResult[]>();
    const list = byAdapter.get(r.adapter) ?? [];
    list.push(r);
    byAdapter.set(r.adapter, list);
    groups.set(g, byAdapter);
  }
  return groups;
}

export function renderTerminalReport(report: ConformanceReport, options: TerminalOptions = {}): string {
  const paint = (text: string, color: keyof typeof ANSI) => (options.color ? `${ANSI[color]}${text}${ANSI.reset}` : text);
  const adapters = report.adapters;
  const header = ['case group', ...adapters.map((a) => a.name)];
  const rows: { cells: string[]; colors: (keyof typeof ANSI | undefined)[] }[] = [];
  for (const [group, byAdapter] of groupResults(report)) {
    const cells = [group];
    const colors: (keyof typeof ANSI | undefined)[] = [undefined];
    for (const a of adapters) {
      if (!a.available) {
        cells.push('n/a');
        colors.push('grey');
        continue;
      }
      const c = counts(byAdapter.get(a.name) ?? []);
      cells.push(cellText(c));
      colors.push(cellColor(c));
    }
    rows.push({ cells, colors });
  }
  const totalCells = ['all', ...adapters.map((a) => (a.available ? cellText(counts(report.results.filter((r) => r.adapter === a.name))) : 'n/a'))];
  const widths = header.map((h, i) => Math.max(h.length, totalCells[i]!.length, ...rows.map((r) => r.cells[i]!.length)));
  const line = (cells: readonly string[], colors: readonly (keyof typeof ANSI | undefined)[] = []) =>
    cells
      .map((c, i) => {
        const padded = c.padEnd(widths[i]!);
        const color = colors[i];
        return color ? paint(padded, color) : padded;
      })
      .join('  ')
      .trimEnd();
  const out: string[] = [line(header), line(widths.map((w) => '-'.repeat(w)))];
  for (const r of rows) out.push(line(r.cells, r.colors));
  out.push(line(widths.map((w) => '-'.repeat(w))));
  out.push(line(totalCells));

  for (const a of adapters.filter((x) => !x.available)) {
    out.push(paint(`unavailable: ${a.name}: ${a.reason ?? 'unknown reason'}${a.fix ? ` (to enable: ${a.fix})` : ''}`, 'grey'));
  }
  for (const a of adapters.filter((x) => x.available && x.backend)) out.push(`ran: ${a.name}: ${a.backend}`);

  const failures = report.results.filter((r) => r.status === 'fail');
  const max = options.maxFailures ?? 40;
  if (failures.length > 0) {
    out.push('', paint(`failures (${failures.length}):`, 'red'));
    for (const f of failures.slice(0, max)) out.push(`  FAIL ${f.adapter}  ${f.case}: ${(f.message ?? '').split('\n')[0]}`);
    if (failures.length > max) out.push(`  ... and ${failures.length - max} more (see the JSON or HTML report)`);
  }
  const s = report.summary;
  const adaptersRun = adapters.filter((a) => a.available).length;
  out.push(
    '',
    `${s.cases} cases x ${adaptersRun} adapter${adaptersRun === 1 ? '' : 's'}: ${s.pass} pass, ${s.fail} fail, ${s.expectedFail} expected-fail, ${s.skip} skip` +
      `${s.unavailable.length ? `; unavailable: ${s.unavailable.join(', ')}` : ''} (${(s.ms / 1000).toFixed(1)} s)`,
  );
  if (s.unavailableRequired.length > 0) out.push(paint(`required but unavailable (REQUIRE_ADAPTERS): ${s.unavailableRequired.join(', ')}`, 'red'));
  out.push(s.ok ? paint('conformance: OK', 'green') : paint('conformance: FAILED', 'red'));
  return out.join('\n');
}

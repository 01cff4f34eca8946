/**
 * The zoo report (docs/bench/zoo-report.json) and the table rendered from it into the
 * zoo-table block of docs/porting.md. tools/zoo/run.ts fills the report; this file has no side
 * effects, so the rendering and the opset-sharing rule can be tested without running a model.
 */
import * as fs from 'node:fs';
import { writeFileAtomic } from '@skipconn/core/node';

/** One table cell: one architecture at one opset on one adapter ('import' is the import step). */
export interface Cell {
  readonly status: 'pass' | 'fail' | 'error' | 'skipped';
  /** Max abs error against PyTorch float64 (and float32). */
  readonly maxAbs64?: number;
  readonly maxAbs32?: number;
  /** Max abs error between PyTorch's own float32 and float64 outputs (of the export this cell ran on). */
  readonly torch32vs64?: number;
  /** Whether PyTorch's own float32 output passes the tolerance against its float64 one. */
  readonly torch32Pass?: boolean;
  readonly message?: string;
  readonly seconds?: number;
  /** Import only: node count, ops, skip counts. */
  readonly nodes?: number;
  readonly ops?: string[];
  readonly skips?: Record<string, number>;
  /** The IR fingerprint (tools/zoo/fingerprint.ts): of the import, or of the IR an adapter ran on. */
  readonly fingerprint?: string;
  /**
   * Cells recorded before fingerprints existed: the node count of the import they ran on. Such a
   * cell counts as run on its row's import while that import has this node count.
   */
  readonly irNodes?: number;
  /** A key of ZooReport.machines: where the cell ran. */
  readonly machine?: string;
  /** When it ran (UTC, YYYY-MM-DD, or a range for cells recorded before dates were kept). */
  readonly date?: string;
}

export interface ModelEntry {
  kind: string;
  input: number[] | null;
  params: number | null;
  note?: string;
  /** Opset ('13', '17') -> adapter (or 'import') -> cell. */
  cells: Record<string, Record<string, Cell>>;
}

export interface ZooReport {
  /** Machine key (its CPU model) -> the machine in one line. */
  machines: Record<string, string>;
  atol: number;
  rtol: number;
  /** Column order. */
  adapters: string[];
  models: Record<string, ModelEntry>;
}

export const TABLE_BEGIN = '<!-- zoo-table:begin';
export const TABLE_END = '<!-- zoo-table:end -->';

/** Whether `cell`, run at an opset whose import is `ranOn`, ran on the IR of that import. */
function ranOnImport(cell: Cell, ranOn: Cell | undefined): boolean {
  if (ranOn?.fingerprint === undefined) return false;
  if (cell.fingerprint !== undefined) return cell.fingerprint === ranOn.fingerprint;
  return cell.irNodes !== undefined && cell.irNodes === ranOn.nodes;
}

/**
 * The cell another opset of the same architecture shares with `opset` on `adapter`: one whose
 * import has the same IR fingerprint as this opset's import and which ran on that IR. Null when
 * this opset has its own cell (other than a skip), or no other opset's cell is the same computation.
 */
export function sharedCell(entry: ModelEntry, opset: string, adapter: string): { opset: string; cell: Cell } | null {
  const own = entry.cells[opset];
  // A 'skipped' cell says why it was not run; the same computation run at the other opset answers for it.
  if (own === undefined || (own[adapter] !== undefined && own[adapter].status !== 'skipped')) return null;
  const fingerprint = own['import']?.fingerprint;
  if (fingerprint === undefined) return null;
  for (const [other, cells] of Object.entries(entry.cells)) {
    if (other === opset || cells['import']?.fingerprint !== fingerprint) continue;
    const cell = cells[adapter];
    if (cell !== undefined && cell.status !== 'skipped' && ranOnImport(cell, cells['import'])) return { opset: other, cell };
  }
  return null;
}

function formatNumber(x: number | undefined): string {
  if (x === undefined) return '';
  if (x === Infinity) return 'inf';
  if (x === 0) return '0';
  return x.toExponential(1);
}

/** Letters marking the machines of the table: the machine with most cells gets none. */
function machineMarks(report: ZooReport): Map<string, string> {
  const counts = new Map<string, number>();
  for (const m of Object.values(report.models)) for (const cells of Object.values(m.cells)) for (const c of Object.values(cells)) if (c.machine !== undefined) counts.set(c.machine, (counts.get(c.machine) ?? 0) + 1);
  const order = Object.keys(report.machines).sort((a, b) => (counts.get(b) ?? 0) - (counts.get(a) ?? 0));
  return new Map(order.map((key, i) => [key, i === 0 ? '' : String.fromCharCode(65 + i)]));
}

/** ' [B]' for a cell of a marked machine, '' for the unmarked one. */
function machineMark(c: Cell, marks: ReadonlyMap<string, string>): string {
  const mark = c.machine === undefined ? undefined : marks.get(c.machine);
  return mark ? ` [${mark}]` : '';
}

export function cellText(c: Cell | undefined, marks: ReadonlyMap<string, string> = new Map()): string {
  if (c === undefined) return '–';
  const mark = machineMark(c, marks);
  const esc = (s: string): string => s.replace(/\|/g, '\\|').replace(/\s+/g, ' ');
  if (c.status === 'pass' || c.status === 'fail') {
    if (c.maxAbs64 === undefined && c.maxAbs32 === undefined) return `${c.status}${mark}`;
    const verdict = c.status === 'pass' ? 'ok' : '**FAIL**';
    // A float32 run no further from float64 than PyTorch's own float32 output fails on float32 rounding.
    const withinTorch32 = c.status === 'fail' && c.maxAbs64 !== undefined && c.torch32vs64 !== undefined && c.maxAbs64 <= c.torch32vs64;
    return `${verdict} ${formatNumber(c.maxAbs64 ?? c.maxAbs32)}${c.maxAbs64 === undefined ? ' (f32)' : ''}${withinTorch32 ? ' (within torch f32)' : ''}${mark}`;
  }
  const message = c.message ?? '';
  // The JSON keeps the whole message; the table a readable start of it.
  return `${c.status === 'skipped' ? 'skipped' : '**error**'}: ${esc(message.length > 200 ? `${message.slice(0, 197)}...` : message)}${mark}`;
}

/** The Markdown: a legend, then one row per architecture and opset; import, then each adapter. */
export function renderMarkdown(report: ZooReport): string {
  const marks = machineMarks(report);
  const dates = new Set<string>();
  for (const m of Object.values(report.models)) for (const cells of Object.values(m.cells)) for (const c of Object.values(cells)) if (c.date !== undefined) dates.add(c.date);
  const machines = [...marks.entries()].map(([key, mark]) => `${mark ? `[${mark}]` : 'unmarked'}: ${report.machines[key]}`);
  const lines: string[] = [];
  lines.push(
    `Rendered from docs/bench/zoo-report.json by \`npm run zoo -- --render\`. Machines (the cell's mark): ${machines.join('; ')}. Dates: ${[...dates].sort().join(', ')}. Pass: every element within ${report.atol} + ${report.rtol} * |want| of PyTorch's float64 output; the number is the max abs error against it. "torch f32" is PyTorch's own float32 output against its float64 output ("over tol." where it fails the same tolerance); "within torch f32": a failing cell no further off than PyTorch's own float32 output of the export it ran on. "(= opset N)": not run at this opset because its import has the same IR fingerprint as opset N's, whose cell it shows; "(earlier IR)": run on an import before the importer changed this model's IR. –: not run.`,
  );
  lines.push('');
  const adapters = report.adapters;
  lines.push(`| model | input | opset | import | torch f32 | ${adapters.join(' | ')} |`);
  lines.push(`|---|---|---|---|---|${adapters.map(() => '---').join('|')}|`);
  const names = Object.keys(report.models).sort();
  for (const name of names) {
    const m = report.models[name]!;
    const input = m.input ? `${m.input[2]}x${m.input[3]}` : '';
    const opsets = Object.keys(m.cells).sort();
    if (opsets.length === 0) {
      const note = (m.note ?? '').replace(/\|/g, '\\|');
      lines.push(`| ${name} | ${input} | | ${note.length > 200 ? `${note.slice(0, 197)}...` : note} | |${adapters.map(() => ' ').join('|')}|`);
      continue;
    }
    for (const opset of opsets) {
      const cells = m.cells[opset]!;
      const imp = cells['import'];
      const impText = imp === undefined ? '' : imp.status === 'pass' ? `ok (${imp.nodes} nodes${imp.fingerprint ? `, IR ${imp.fingerprint.slice(0, 8)}` : ''})${machineMark(imp, marks)}` : cellText(imp, marks);
      const t32 = imp?.torch32vs64 !== undefined ? imp : Object.values(cells).find((c) => c.torch32vs64 !== undefined);
      // PyTorch's own float32 over the tolerance: a float32 adapter failing there fails on float32 rounding.
      const t32Text = `${formatNumber(t32?.torch32vs64)}${t32?.torch32Pass === false ? ' (over tol.)' : ''}`;
      const adapterTexts = adapters.map((a) => {
        const shared = sharedCell(m, opset, a);
        if (shared) return `${cellText(shared.cell, marks)} (= opset ${shared.opset})`;
        const own = cells[a];
        // A cell from before the row's import was redone, on an IR the importer has since changed.
        const earlier = own !== undefined && own.status !== 'skipped' && imp?.status === 'pass' && imp.fingerprint !== undefined && !ranOnImport(own, imp) && (own.fingerprint !== undefined || own.irNodes !== undefined);
        return `${cellText(own, marks)}${earlier ? ` (earlier IR${own.irNodes !== undefined ? ` of ${own.irNodes} nodes` : ''})` : ''}`;
      });
      lines.push(`| ${name} | ${input} | ${opset} | ${impText} | ${t32Text} | ${adapterTexts.join(' | ')} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * `doc` with the lines between its zoo-table markers replaced by `table` (the marker lines
 * stay). Throws, naming the file, when the markers are missing, repeated or out of order.
 */
export function replaceTableBlock(doc: string, table: string, file: string): string {
  const lines = doc.split('\n');
  const begins = lines.flatMap((l, i) => (l.startsWith(TABLE_BEGIN) ? [i] : []));
  const ends = lines.flatMap((l, i) => (l.trim() === TABLE_END ? [i] : []));
  if (begins.length !== 1 || ends.length !== 1 || ends[0]! < begins[0]!) {
    throw new Error(
      `${file}: expected one '${TABLE_BEGIN} ... -->' line followed by one '${TABLE_END}' line; found ${begins.length} begin and ${ends.length} end markers${begins.length === 1 && ends.length === 1 ? ', the end before the begin' : ''}`,
    );
  }
  const body = table.endsWith('\n') ? table.slice(0, -1) : table;
  return [...lines.slice(0, begins[0]! + 1), body, ...lines.slice(ends[0]!)].join('\n');
}

/** Rewrites the zoo-table block of `docFile` from `report`, atomically (a temporary file renamed over it). */
export function renderIntoDoc(report: ZooReport, docFile: string): void {
  const doc = fs.readFileSync(docFile, 'utf8');
  writeFileAtomic(docFile, replaceTableBlock(doc, renderMarkdown(report), docFile));
}

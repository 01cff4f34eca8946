/**
 * Reading and writing the suite's data files (Node only): cases/*.json and goldens/*.json.
 * Everything else in the package works on the loaded objects.
 */
import * as fs from 'fs';
import * as path from 'path';
import { SkipconnError, prettyJson } from '@skipconn/core';
import { writeFileAtomic } from '@skipconn/core/node';
import { computeGolden } from './golden';
import { CASES_FORMAT, FORMAT_VERSION, GOLDENS_FORMAT, type CaseFile, type ConformanceCase, type GoldenEntry, type GoldenFile, type LoadedCase } from './types';

/** The package's own cases/ and goldens/ folders. */
export const CASES_DIR = path.resolve(__dirname, '..', 'cases');
export const GOLDENS_DIR = path.resolve(__dirname, '..', 'goldens');

/** Ids are printed in terminals, HTML and jest titles: printable ASCII, no spaces, no '|'. */
const ID_PATTERN = /^[A-Za-z0-9_.\-+/[\],=:@>]+$/;

function readJson(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new SkipconnError('FILE_IO', `${file}: cannot read: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new SkipconnError('FILE_FORMAT', `${file}: invalid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Report order of case files: the skip connections first, then blocks, ops and errors. */
const FILE_ORDER = ['merge-', 'blocks', 'ops-', 'errors'];

function fileRank(name: string): number {
  const i = FILE_ORDER.findIndex((prefix) => name.startsWith(prefix));
  return i === -1 ? FILE_ORDER.length : i;
}

function jsonFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort((a, b) => fileRank(a) - fileRank(b) || a.localeCompare(b));
}

/** Checks one case's shape as data (not its graph: the validator does that when it runs). */
function checkCase(c: ConformanceCase, file: string): void {
  const where = `${file}: case ${JSON.stringify(c.id)}`;
  if (typeof c.id !== 'string' || !ID_PATTERN.test(c.id)) throw new SkipconnError('FILE_FORMAT', `${where}: id must be printable ASCII without spaces or '|'`);
  if (typeof c.graph !== 'object' || c.graph === null) throw new SkipconnError('FILE_FORMAT', `${where}: no graph`);
  if (typeof c.inputs !== 'object' || c.inputs === null) throw new SkipconnError('FILE_FORMAT', `${where}: no inputs`);
  const e = c.expected as unknown;
  const ok = e === 'golden' || (typeof e === 'object' && e !== null && ('values' in e || 'error' in e));
  if (!ok) throw new SkipconnError('FILE_FORMAT', `${where}: expected must be "golden", { values } or { error: { code, message } }`);
}

/** Loads every case file in `dir` (default: the package's cases/), ids checked unique. */
export function loadCases(dir: string = CASES_DIR): LoadedCase[] {
  const out: LoadedCase[] = [];
  const seen = new Map<string, string>();
  for (const name of jsonFiles(dir)) {
    const file = path.join(dir, name);
    const data = readJson(file) as CaseFile;
    if (data.format !== CASES_FORMAT || data.version !== FORMAT_VERSION || !Array.isArray(data.cases)) {
      throw new SkipconnError('FILE_FORMAT', `${file}: expected { "format": "${CASES_FORMAT}", "version": ${FORMAT_VERSION}, "cases": [...] }`);
    }
    const stem = name.replace(/\.json$/, '');
    for (const c of data.cases) {
      checkCase(c, file);
      const earlier = seen.get(c.id);
      if (earlier !== undefined) throw new SkipconnError('FILE_FORMAT', `${file}: case id ${c.id} is also used in ${earlier}`);
      seen.set(c.id, name);
      out.push({ ...c, file: stem });
    }
  }
  return out;
}

/** All goldens in `dir` (default: the package's goldens/), by case id. */
export function loadGoldens(dir: string = GOLDENS_DIR): Map<string, GoldenEntry> {
  const out = new Map<string, GoldenEntry>();
  for (const name of jsonFiles(dir)) {
    const file = path.join(dir, name);
    const data = readJson(file) as GoldenFile;
    if (data.format !== GOLDENS_FORMAT || data.version !== FORMAT_VERSION || typeof data.cases !== 'object') {
      throw new SkipconnError('FILE_FORMAT', `${file}: expected { "format": "${GOLDENS_FORMAT}", "version": ${FORMAT_VERSION}, "cases": {...} }`);
    }
    for (const [id, entry] of Object.entries(data.cases)) out.set(id, entry);
  }
  return out;
}

export interface WriteGoldensResult {
  readonly files: string[];
  readonly cases: number;
  readonly bytes: number;
}

/**
 * Recomputes every golden with the reference evaluator and writes one golden file per case file
 * (atomically), removing golden files whose case file is gone.
 */
export function writeGoldens(cases: readonly LoadedCase[], dir: string = GOLDENS_DIR): WriteGoldensResult {
  fs.mkdirSync(dir, { recursive: true });
  const byFile = new Map<string, Record<string, GoldenEntry>>();
  for (const c of cases) {
    if (c.expected !== 'golden') continue;
    const entries = byFile.get(c.file) ?? {};
    entries[c.id] = computeGolden(c);
    byFile.set(c.file, entries);
  }
  const files: string[] = [];
  let bytes = 0;
  let count = 0;
  for (const [stem, entries] of [...byFile].sort(([a], [b]) => a.localeCompare(b))) {
    const doc: GoldenFile = {
      format: GOLDENS_FORMAT,
      version: FORMAT_VERSION,
      note: `Generated by \`npm run goldens\` from cases/${stem}.json with the reference evaluator at float64. Do not edit.`,
      cases: entries,
    };
    const text = `${prettyJson(doc, '')}\n`;
    const file = path.join(dir, `${stem}.json`);
    writeFileAtomic(file, text);
    files.push(file);
    bytes += Buffer.byteLength(text);
    count += Object.keys(entries).length;
  }
  for (const name of jsonFiles(dir)) {
    if (!byFile.has(name.replace(/\.json$/, ''))) fs.rmSync(path.join(dir, name));
  }
  return { files, cases: count, bytes };
}

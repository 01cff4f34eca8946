/**
 * How a GraphModel's outputs differ from the oracle's, output by output, for tools/graph-models:
 * each output's max abs error, and for a failing output whose rows (along its last axis) are the
 * oracle's rows in another order, which rows moved and how close the oracle's scores of the moved
 * rows are. A topK-decoded output (centernet's [1, 100, 6] detections) reorders two detections whose
 * scores a runtime rounds the other way; a permuted output still fails, but the cell says why.
 */
import type { HostTensor } from '@skipconn/core';
import { ATOL, RTOL, compareOutput } from '../model-check';

/** A row of `got` (its index) and the oracle row it matches. */
export interface MovedRow {
  readonly got: number;
  readonly want: number;
}

/** The oracle's score column of a row that moved, and where that score sits in another output. */
export interface ScoreBehind {
  /** The oracle row that moved. */
  readonly row: number;
  readonly score: number;
  /** Index of the output (in the model's output order) that holds the score, and the flat index there; absent when no other output holds it exactly once. */
  readonly output?: number;
  readonly index?: number;
  /** That other output's element there, in the runtime's output. */
  readonly got?: number;
  /** How many elements of the other outputs equal the score exactly (1 when located). */
  readonly occurrences: number;
}

export type RowMatch =
  | {
      readonly permutation: true;
      readonly rows: number;
      readonly moved: readonly MovedRow[];
      /** The column the oracle's rows are sorted by (non-increasing, not constant), if one is. */
      readonly scoreColumn?: number;
      /** Max over moved rows of |oracle score of the row that landed there - oracle score at that position|. */
      readonly scoreGap?: number;
      /** scoreGap in float32 ulps at the smaller of the two scores. */
      readonly scoreGapUlps?: number;
    }
  | {
      readonly permutation: false;
      readonly rows: number;
      /** Rows of `got` that match no distinct oracle row (at most the first 20). */
      readonly unmatched: readonly number[];
      readonly unmatchedCount: number;
    };

export interface OutputDiff {
  readonly name: string;
  readonly maxAbs: number;
  readonly ok: boolean;
  readonly rows?: RowMatch;
  readonly behind?: readonly ScoreBehind[];
}

/** The element tolerance of the tables: |got - want| <= ATOL + RTOL * |want|. */
export function close(got: number, want: number): boolean {
  if (got === want || (Number.isNaN(got) && Number.isNaN(want))) return true;
  return Math.abs(got - want) <= ATOL + RTOL * Math.abs(want);
}

/** The spacing of float32 values at |x| (the ulp), for x finite. */
export function float32Ulp(x: number): number {
  const a = Math.abs(x);
  if (a < 2 ** -126) return 2 ** -149;
  return 2 ** (Math.floor(Math.log2(a)) - 23);
}

/** Row-count limit of the matcher: a bipartite matching over rows, quadratic in them. */
export const MAX_MATCH_ROWS = 4096;

/**
 * Whether the rows of `got` are the rows of `want` in some order: each got row within tolerance
 * of a distinct want row (maximum bipartite matching, rows of `rowLength` elements). A row that
 * matches the oracle row at its own position keeps it, so `moved` lists only the rows that
 * really moved. Undefined when the arrays do not split into rows of that length.
 */
export function matchRows(got: ArrayLike<number>, want: ArrayLike<number>, rowLength: number): RowMatch | undefined {
  if (rowLength < 1 || got.length !== want.length || want.length % rowLength !== 0) return undefined;
  const n = want.length / rowLength;
  const rowClose = (i: number, j: number): boolean => {
    for (let k = 0; k < rowLength; k++) if (!close(got[i * rowLength + k]!, want[j * rowLength + k]!)) return false;
    return true;
  };
  const candidates: number[][] = [];
  for (let i = 0; i < n; i++) {
    const list: number[] = [];
    if (rowClose(i, i)) list.push(i);
    for (let j = 0; j < n; j++) if (j !== i && rowClose(i, j)) list.push(j);
    candidates.push(list);
  }
  const wantOwner = new Array<number>(n).fill(-1);
  const gotMatch = new Array<number>(n).fill(-1);
  // Rows at their own place first, so that augmenting paths only rearrange the others.
  for (let i = 0; i < n; i++) {
    if (candidates[i]![0] === i) {
      wantOwner[i] = i;
      gotMatch[i] = i;
    }
  }
  const augment = (i: number, seen: boolean[]): boolean => {
    for (const j of candidates[i]!) {
      if (seen[j]) continue;
      seen[j] = true;
      if (wantOwner[j] === -1 || augment(wantOwner[j]!, seen)) {
        wantOwner[j] = i;
        gotMatch[i] = j;
        return true;
      }
    }
    return false;
  };
  for (let i = 0; i < n; i++) if (gotMatch[i] === -1) augment(i, new Array<boolean>(n).fill(false));
  const unmatched = gotMatch.flatMap((j, i) => (j === -1 ? [i] : []));
  if (unmatched.length > 0) return { permutation: false, rows: n, unmatched: unmatched.slice(0, 20), unmatchedCount: unmatched.length };
  const moved = gotMatch.flatMap((j, i) => (j !== i ? [{ got: i, want: j }] : []));
  const scoreColumn = sortedColumn(want, rowLength);
  if (scoreColumn === undefined || moved.length === 0) return { permutation: true, rows: n, moved, ...(scoreColumn !== undefined ? { scoreColumn } : {}) };
  let scoreGap = 0;
  let scoreGapUlps = 0;
  for (const m of moved) {
    const here = want[m.got * rowLength + scoreColumn]!;
    const landed = want[m.want * rowLength + scoreColumn]!;
    const gap = Math.abs(here - landed);
    if (gap >= scoreGap) {
      scoreGap = gap;
      scoreGapUlps = gap / float32Ulp(Math.min(Math.abs(here), Math.abs(landed)));
    }
  }
  return { permutation: true, rows: n, moved, scoreColumn, scoreGap, scoreGapUlps };
}

/** The first column whose values never increase from row to row and are not all equal. */
export function sortedColumn(want: ArrayLike<number>, rowLength: number): number | undefined {
  const n = want.length / rowLength;
  if (n < 2) return undefined;
  for (let c = 0; c < rowLength; c++) {
    let sorted = true;
    let constant = true;
    for (let i = 1; i < n && sorted; i++) {
      const prev = want[(i - 1) * rowLength + c]!;
      const cur = want[i * rowLength + c]!;
      if (!(cur <= prev)) sorted = false;
      if (cur !== prev) constant = false;
    }
    if (sorted && !constant) return c;
  }
  return undefined;
}

function asNumbers(t: HostTensor): ArrayLike<number> {
  return t.data as ArrayLike<number>;
}

/**
 * Each output against the oracle's; for a failing output of rank 2 or more with at most
 * MAX_MATCH_ROWS rows, the row match, and for a permutation with a score column, where the moved
 * rows' oracle scores sit in the other outputs (a topK's values are elements of what it ranked) and
 * what the runtime computed there.
 */
export function diffOutputs(names: readonly string[], got: readonly HostTensor[], want: readonly HostTensor[], oracle: string): OutputDiff[] {
  if (got.length !== want.length) throw new Error(`${got.length} outputs, ${oracle} gives ${want.length}`);
  return want.map((w, i) => {
    const g = got[i]!;
    const { maxAbs, ok } = compareOutput(g, w, oracle);
    const name = names[i] ?? `output ${i}`;
    const rowLength = w.shape.at(-1) ?? 0;
    if (ok || w.shape.length < 2 || rowLength === 0 || w.data.length / rowLength > MAX_MATCH_ROWS) return { name, maxAbs, ok };
    const rows = matchRows(asNumbers(g), asNumbers(w), rowLength);
    if (rows === undefined) return { name, maxAbs, ok };
    if (!rows.permutation || rows.scoreColumn === undefined || rows.moved.length === 0) return { name, maxAbs, ok, rows };
    const behind = rows.moved.map((m) => locateScore(m.want, asNumbers(w)[m.want * rowLength + rows.scoreColumn!]!, i, got, want));
    return { name, maxAbs, ok, rows, behind };
  });
}

function locateScore(row: number, score: number, self: number, got: readonly HostTensor[], want: readonly HostTensor[]): ScoreBehind {
  let occurrences = 0;
  let at: { output: number; index: number } | undefined;
  want.forEach((w, o) => {
    if (o === self) return;
    const d = asNumbers(w);
    for (let k = 0; k < d.length; k++) {
      if (d[k] === score) {
        occurrences++;
        at ??= { output: o, index: k };
      }
    }
  });
  if (occurrences !== 1 || at === undefined) return { row, score, occurrences };
  return { row, score, occurrences, output: at.output, index: at.index, got: asNumbers(got[at.output]!)[at.index]! };
}

function short(x: number): string {
  return x === 0 ? '0' : x.toExponential(1);
}

/** One failing cell's outputs in words, for the Markdown table. */
export function describeOutputs(outputs: readonly OutputDiff[]): string {
  return outputs
    .map((o) => {
      let text = `${o.name} ${short(o.maxAbs)}${o.ok ? '' : ' (fails)'}`;
      const r = o.rows;
      if (r === undefined) return text;
      if (!r.permutation) {
        const list = r.unmatched.join(', ') + (r.unmatchedCount > r.unmatched.length ? ', ...' : '');
        return `${text}: not a permutation of the oracle's rows (${r.unmatchedCount} of ${r.rows} rows match no distinct oracle row: ${list})`;
      }
      text += `: its ${r.rows} rows are the oracle's rows reordered, ${r.moved.length} moved (${r.moved.map((m) => `${m.got} <- ${m.want}`).join(', ')})`;
      if (r.scoreGap !== undefined) text += `, oracle score gap of the moved rows ${short(r.scoreGap)} (${Math.round(r.scoreGapUlps ?? 0)} float32 ulps)`;
      const located = (o.behind ?? []).filter((b) => b.got !== undefined);
      if (located.length > 0) {
        text += `; the moved rows' oracle scores are elements of ${outputs[located[0]!.output!]?.name ?? `output ${located[0]!.output}`}, where this runtime has ${located.map((b) => `${b.got!.toPrecision(9)} for ${b.score.toPrecision(9)} (${Math.round(Math.abs(b.got! - b.score) / float32Ulp(b.score))} ulps)`).join(', ')}`;
      }
      return text;
    })
    .join('; ');
}

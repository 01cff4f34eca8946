/**
 * What the model-table runners (tools/zoo/run.ts against PyTorch, tools/graph-models/run.ts
 * against tfjs-converter) share: the suite's float32 tolerance, the element-wise judgement of an
 * output against its oracle, the one-line forms of errors and of the machine for the tables, and
 * the heap limit of their child processes.
 */
import * as os from 'node:os';
import { toFloat64, type HostTensor } from '@skipconn/core';

export const ATOL = 1e-4;
export const RTOL = 1e-3;

/**
 * Max |got - want| (NaN on one side only is Infinity) and whether every element is within
 * ATOL + RTOL * |want|. `oracle` names who computed `want`, for the shape error.
 */
export function compareOutput(got: HostTensor, want: HostTensor, oracle: string): { maxAbs: number; ok: boolean } {
  if (got.shape.join() !== want.shape.join()) throw new Error(`output shape [${got.shape.join(', ')}] differs from ${oracle}'s [${want.shape.join(', ')}]`);
  const g = toFloat64(got);
  const w = toFloat64(want);
  let maxAbs = 0;
  let ok = true;
  for (let i = 0; i < w.length; i++) {
    const a = g[i]!;
    const b = w[i]!;
    if (a === b || (Number.isNaN(a) && Number.isNaN(b))) continue;
    const e = Number.isNaN(a) || Number.isNaN(b) ? Infinity : Math.abs(a - b);
    if (!(e <= ATOL + RTOL * Math.abs(b))) ok = false;
    if (!(e <= maxAbs)) maxAbs = e;
  }
  return { maxAbs, ok };
}

/** An error's first non-empty line, cut at `max` characters: one table cell. */
export function oneLineError(err: unknown, max = 400): string {
  const text = err instanceof Error ? err.message : String(err);
  const line = text.split('\n').find((l) => l.trim().length > 0) ?? text;
  return line.length > max ? `${line.slice(0, max)}...` : line;
}

/** This machine in one line for a table's header (these runners run without a GPU). */
export function machineLine(): string {
  return `${os.cpus().length}-core ${os.arch()} (${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, no GPU (webgpu runs on SwiftShader), Node ${process.version}`;
}

/**
 * NODE_OPTIONS for a child process: `options` with a V8 heap limit of `defaultMb` added, unless
 * it already sets one. Node takes the last --max-old-space-size it sees, so appending ours after
 * a caller's would silently override a larger limit the caller asked for.
 */
export function withHeapLimit(options: string | undefined, defaultMb: number): string {
  const given = (options ?? '').trim();
  if (/(^|\s)--max-old-space-size[=\s]/.test(given)) return given;
  return `${given} --max-old-space-size=${defaultMb}`.trim();
}

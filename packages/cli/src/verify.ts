/**
 * `port --verify`, shared by every target (commands/port.ts for onnx and ir, port-tfjs.ts for
 * tfjs): the feeds, the output comparison and the report lines. An output passes when every
 * element satisfies |got - want| <= VERIFY_ATOL + VERIFY_RTOL * |want|.
 */
import { fromFloat64, isFloatDType, randomTensor, tensor, toFloat64, type HostTensor, type ValidatedGraph } from '@skipconn/core';
import { UsageError, type ParsedArgs } from './command';
import { checkInputNames, readInputs } from './commands/run';

export const VERIFY_ATOL = 1e-4;
export const VERIFY_RTOL = 1e-3;

/** How one output of the target compares with the source's. */
export interface OutputCheck {
  readonly name: string;
  readonly maxAbs: number;
  readonly maxRel: number;
  readonly worstIndex: number;
  readonly ok: boolean;
}

/** --input and --adapter mean something only with --verify. */
export function rejectVerifyFlagsWithoutVerify(parsed: ParsedArgs): void {
  if (!parsed.flags.has('verify') && (parsed.flags.has('input') || parsed.flags.has('adapter'))) throw new UsageError('--input and --adapter apply to --verify');
}

/** Seeded inputs: uniform [-1, 1) for floats (the seed derives from the input's position), zeros otherwise. */
export function seededInputs(vg: ValidatedGraph): Record<string, HostTensor> {
  const feeds: Record<string, HostTensor> = {};
  vg.graph.inputs.forEach((input, i) => {
    feeds[input.name] = isFloatDType(input.dtype) ? fromFloat64(input.dtype, input.shape, toFloat64(randomTensor(input.shape, 1234 + i))) : tensor(input.dtype, input.shape);
  });
  return feeds;
}

/** The --input tensors, or seeded ones when none are given; checked against the source's inputs. */
export function verifyFeeds(parsed: ParsedArgs, cwd: string, source: ValidatedGraph): Record<string, HostTensor> {
  const given = readInputs(parsed, cwd);
  const feeds = Object.keys(given).length > 0 ? given : seededInputs(source);
  checkInputNames(source, feeds);
  return feeds;
}

/** Max absolute and relative errors of `got` against `want`, and whether all are within tolerance. */
export function compareOutput(name: string, got: HostTensor, want: HostTensor): OutputCheck {
  const g = toFloat64(got);
  const w = toFloat64(want);
  let maxAbs = 0;
  let maxRel = 0;
  let worstIndex = -1;
  let ok = got.shape.join() === want.shape.join() && g.length === w.length;
  for (let i = 0; i < w.length && g.length === w.length; i++) {
    const a = g[i]!;
    const b = w[i]!;
    if (a === b || (Number.isNaN(a) && Number.isNaN(b))) continue;
    // NaN on one side only (or Inf against a number) counts as an infinite error.
    const abs = Number.isNaN(a) || Number.isNaN(b) ? Infinity : Math.abs(a - b);
    if (!(abs <= VERIFY_ATOL + VERIFY_RTOL * Math.abs(b))) ok = false;
    if (!(abs <= maxAbs)) {
      maxAbs = abs;
      worstIndex = i;
    }
    const rel = Number.isNaN(abs / Math.abs(b)) ? Infinity : abs / Math.max(Math.abs(b), Number.MIN_VALUE);
    if (!(rel <= maxRel)) maxRel = rel;
  }
  return { name, maxAbs, maxRel, worstIndex, ok };
}

/** True when there was no verify or every output passed. */
export function verifyPassed(checks: readonly OutputCheck[] | undefined): boolean {
  return checks === undefined || checks.every((c) => c.ok);
}

/** The report: a heading ending in ok or FAILED, then one line per output. */
export function verifyLines(heading: string, checks: readonly OutputCheck[]): string[] {
  const lines = [`${heading} (atol ${VERIFY_ATOL}, rtol ${VERIFY_RTOL}): ${verifyPassed(checks) ? 'ok' : 'FAILED'}`];
  for (const c of checks)
    lines.push(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: max abs error ${c.maxAbs.toExponential(3)}, max rel error ${c.maxRel.toExponential(3)}${c.worstIndex >= 0 ? ` (worst index ${c.worstIndex})` : ''}`);
  return lines;
}

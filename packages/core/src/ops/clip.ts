/**
 * clip: y = min(max(x, min), max), elementwise; shape, dtype and layout are kept.
 * ReLU6 (MobileNetV2) is clip with min 0, max 6; Hardtanh is clip(-1, 1).
 *
 * Attributes:
 *   min  lower bound, default -Infinity (no lower bound)
 *   max  upper bound, default +Infinity (no upper bound)
 * Each is a number, or one of the strings "-Infinity" / "Infinity", since JSON has no
 * infinities. The preferred form omits an infinite bound (what the builders and the ONNX importer
 * write); an in-memory +-Infinity is written by serializeGraph as the string, so JSON -> graph ->
 * JSON stays byte-identical either way. NaN (or "NaN") is not a bound. min > max is an error
 * naming both; min == max is allowed (every non-NaN element becomes that value).
 *
 * Exact values, per element:
 *   x < min -> min;  x > max -> max;  otherwise x itself.
 * So NaN propagates (both comparisons are false), -0 stays -0 when 0 is within [min, max]
 * (the comparisons treat -0 and +0 as equal, and nothing is computed), +-Infinity clamp to the
 * bounds (clip(Infinity, 0, 6) = 6), and an infinite bound never clips.
 */
import { GraphError, type NodeRef } from '../errors';
import type { Attrs } from '../graph/types';
import { rejectUnknownAttrs } from './attrs';
import { unaryOp } from './unary';

export const CLIP = 'clip';

export interface ClipAttrs {
  /** Lower bound; -Infinity when absent. */
  readonly min: number;
  /** Upper bound; +Infinity when absent. */
  readonly max: number;
}

/** One bound: absent, a non-NaN number, or "Infinity" / "-Infinity". */
function readBound(raw: Attrs, name: 'min' | 'max', fallback: number, ref: NodeRef): number {
  const v = raw[name];
  if (v === undefined) return fallback;
  if (typeof v === 'number' && !Number.isNaN(v)) return v;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  throw new GraphError('ATTRIBUTE_INVALID', ref, `attribute '${name}' is invalid`, {
    expected: 'a number (not NaN), "Infinity" or "-Infinity", or no attribute for no bound',
    received: typeof v === 'number' ? String(v) : (JSON.stringify(v) ?? String(v)),
  });
}

export function parseClipAttrs(raw: Attrs, ref: NodeRef): ClipAttrs {
  rejectUnknownAttrs(raw, ['min', 'max'], ref);
  const min = readBound(raw, 'min', -Infinity, ref);
  const max = readBound(raw, 'max', Infinity, ref);
  if (min > max) {
    throw new GraphError('ATTRIBUTE_INVALID', ref, "attribute 'min' is greater than 'max'", {
      expected: 'min <= max',
      received: `min ${min}, max ${max}`,
    });
  }
  return { min, max };
}

/** The canonical attrs of clip(min, max): infinite bounds omitted. */
export function clipAttrs(min: number, max: number): { min?: number; max?: number } {
  return { ...(min !== -Infinity ? { min } : {}), ...(max !== Infinity ? { max } : {}) };
}

/** clip as a scalar function: exactly the comparisons above. */
export function clipValue(x: number, min: number, max: number): number {
  return x < min ? min : x > max ? max : x;
}

export const clip = unaryOp<ClipAttrs, typeof CLIP>(CLIP, 'y = min(max(x, min), max); ReLU6 is clip(0, 6); NaN propagates', parseClipAttrs);

/** Attribute readers: each checks one attribute and names node, op, expected and received on error. */
import { GraphError, clipUserText, quoteUserValue, type NodeRef } from '../errors';
import type { Attrs } from '../graph/types';

function bad(ref: NodeRef, name: string, expected: string, value: unknown): never {
  throw new GraphError('ATTRIBUTE_INVALID', ref, `attribute '${name}' is invalid`, {
    expected,
    received: quoteUserValue(value),
  });
}

export function readNumber(raw: Attrs, name: string, fallback: number, ref: NodeRef): number {
  const v = raw[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'number') bad(ref, name, 'a number', v);
  return v;
}

export function readInt(raw: Attrs, name: string, fallback: number, ref: NodeRef, min = -Infinity): number {
  const v = raw[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
    bad(ref, name, min === -Infinity ? 'an integer' : `an integer >= ${min}`, v);
  }
  return v;
}

export function readIntList(raw: Attrs, name: string, fallback: readonly number[], ref: NodeRef, length?: number, min = -Infinity): number[] {
  const v = raw[name];
  if (v === undefined) return [...fallback];
  const ok = Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isSafeInteger(x) && x >= min) && (length === undefined || v.length === length);
  if (!ok) {
    const what = length === undefined ? 'a list of integers' : `a list of ${length} integers`;
    bad(ref, name, min === -Infinity ? what : `${what} >= ${min}`, v);
  }
  return [...(v as number[])];
}

export function readEnum<T extends string>(raw: Attrs, name: string, allowed: readonly T[], fallback: T, ref: NodeRef): T {
  const v = raw[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) bad(ref, name, `one of ${allowed.join(', ')}`, v);
  return v as T;
}

export function readBool(raw: Attrs, name: string, fallback: boolean, ref: NodeRef): boolean {
  const v = raw[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') bad(ref, name, 'true or false', v);
  return v;
}

/** Rejects attributes the op does not define, so typos do not pass silently. */
export function rejectUnknownAttrs(raw: Attrs, known: readonly string[], ref: NodeRef): void {
  for (const key of Object.keys(raw)) {
    if (!known.includes(key)) {
      throw new GraphError('ATTRIBUTE_INVALID', ref, `unknown attribute '${clipUserText(key)}'`, {
        expected: known.length ? `one of ${known.join(', ')}` : 'no attributes',
        received: clipUserText(key),
      });
    }
  }
}

/** parseAttrs of an op that takes no attributes: any attribute is an error. */
export function parseNoAttrs(raw: Attrs, ref: NodeRef): Record<string, never> {
  rejectUnknownAttrs(raw, [], ref);
  return {};
}

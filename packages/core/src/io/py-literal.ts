/**
 * A strict parser for the Python literal subset NumPy writes in .npy headers: str, int, float,
 * True/False/None, tuples, lists, dicts. Parsed, never evaluated. Offsets are absolute byte
 * offsets in the file; every problem is a FileFormatError naming the file and the byte offset.
 */
import { FileFormatError } from '../errors';
import { bytesToLatin1, clip } from './bytes';

/** A parsed literal with the byte offset where it starts in the file. */
export type PyValue =
  | { readonly kind: 'str'; readonly value: string; readonly offset: number }
  | { readonly kind: 'int'; readonly text: string; readonly offset: number }
  | { readonly kind: 'float'; readonly text: string; readonly offset: number }
  | { readonly kind: 'bool'; readonly value: boolean; readonly offset: number }
  | { readonly kind: 'none'; readonly offset: number }
  | { readonly kind: 'tuple' | 'list'; readonly items: readonly PyValue[]; readonly offset: number }
  | { readonly kind: 'dict'; readonly entries: readonly (readonly [PyValue, PyValue])[]; readonly offset: number };

const MAX_NESTING = 16;

/** A literal as an error message quotes it. */
export function describePy(v: PyValue): string {
  switch (v.kind) {
    case 'str':
      return `the string ${clip(JSON.stringify(v.value))}`;
    case 'int':
    case 'float':
      return clip(v.text);
    case 'bool':
      return v.value ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'tuple':
      return `a tuple of ${v.items.length}`;
    case 'list':
      return `a list of ${v.items.length}`;
    case 'dict':
      return 'a dict';
  }
}

/** Parses bytes [start, end) of `bytes`; `utf8` decodes strings as UTF-8 (.npy 3.0), else Latin-1. */
export class LiteralParser {
  pos: number;
  constructor(
    private readonly bytes: Uint8Array,
    start: number,
    readonly end: number,
    private readonly file: string,
    private readonly utf8: boolean,
  ) {
    this.pos = start;
  }

  fail(problem: string, offset = this.pos): never {
    throw new FileFormatError(this.file, problem, offset);
  }

  private peek(): number | undefined {
    return this.pos < this.end ? this.bytes[this.pos] : undefined;
  }

  skipSpace(): void {
    for (;;) {
      const c = this.peek();
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.pos++;
      else return;
    }
  }

  private describeHere(): string {
    const c = this.peek();
    if (c === undefined) return 'the end of the header';
    return c >= 0x21 && c <= 0x7e ? `'${String.fromCharCode(c)}'` : `byte 0x${c.toString(16).padStart(2, '0')}`;
  }

  value(depth: number): PyValue {
    if (depth > MAX_NESTING) this.fail(`header nests deeper than ${MAX_NESTING} levels`);
    this.skipSpace();
    const offset = this.pos;
    const c = this.peek();
    if (c === 0x27 || c === 0x22) return this.string();
    if (c === 0x7b) return this.dict(depth);
    if (c === 0x28) return this.sequence(depth, 0x29, 'tuple');
    if (c === 0x5b) return this.sequence(depth, 0x5d, 'list');
    if (c === 0x2d || c === 0x2b || (c !== undefined && c >= 0x30 && c <= 0x39)) return this.number();
    const word = this.word();
    if (word === 'True') return { kind: 'bool', value: true, offset };
    if (word === 'False') return { kind: 'bool', value: false, offset };
    if (word === 'None') return { kind: 'none', offset };
    this.pos = offset;
    return this.fail(`header is not a Python literal: unexpected ${this.describeHere()}`);
  }

  private word(): string {
    const start = this.pos;
    for (;;) {
      const c = this.peek();
      if (c !== undefined && ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f)) this.pos++;
      else break;
    }
    return bytesToLatin1(this.bytes.subarray(start, this.pos));
  }

  private number(): PyValue {
    const offset = this.pos;
    const start = this.pos;
    const digits = (): number => {
      const s = this.pos;
      for (;;) {
        const c = this.peek();
        if (c !== undefined && c >= 0x30 && c <= 0x39) this.pos++;
        else break;
      }
      return this.pos - s;
    };
    if (this.peek() === 0x2d || this.peek() === 0x2b) this.pos++;
    const intDigits = digits();
    let isFloat = false;
    if (this.peek() === 0x2e) {
      this.pos++;
      isFloat = true;
      if (digits() === 0 && intDigits === 0) this.fail('header has a malformed number', offset);
    } else if (intDigits === 0) {
      this.fail('header has a malformed number', offset);
    }
    if (this.peek() === 0x65 || this.peek() === 0x45) {
      this.pos++;
      isFloat = true;
      if (this.peek() === 0x2d || this.peek() === 0x2b) this.pos++;
      if (digits() === 0) this.fail('header has a malformed number', offset);
    }
    const text = bytesToLatin1(this.bytes.subarray(start, this.pos));
    // Python 2 era files wrote longs as "3L"; NumPy still reads them.
    if (!isFloat && (this.peek() === 0x4c || this.peek() === 0x6c)) this.pos++;
    const next = this.peek();
    if (next !== undefined && ((next >= 0x41 && next <= 0x5a) || (next >= 0x61 && next <= 0x7a) || next === 0x5f || next === 0x2e)) {
      this.fail(`header has a malformed number: unexpected ${this.describeHere()}`);
    }
    return isFloat ? { kind: 'float', text, offset } : { kind: 'int', text, offset };
  }

  private string(): PyValue {
    const offset = this.pos;
    const quote = this.bytes[this.pos]!;
    this.pos++;
    const parts: number[] = [];
    for (;;) {
      const c = this.peek();
      if (c === undefined || c === 0x0a) this.fail('header has an unterminated string', offset);
      this.pos++;
      if (c === quote) break;
      if (c === 0x5c) {
        const e = this.peek();
        const escapes: Record<number, number> = { 0x5c: 0x5c, 0x27: 0x27, 0x22: 0x22, 0x6e: 0x0a, 0x74: 0x09, 0x72: 0x0d };
        const mapped = e === undefined ? undefined : escapes[e];
        if (mapped === undefined) this.fail(`header has an unsupported string escape \\${e === undefined ? '' : String.fromCharCode(e)}`, this.pos - 1);
        parts.push(mapped);
        this.pos++;
        continue;
      }
      parts.push(c);
    }
    const raw = new Uint8Array(parts);
    let value: string;
    if (this.utf8) {
      try {
        value = new TextDecoder('utf-8', { fatal: true }).decode(raw);
      } catch {
        return this.fail('header string is not valid UTF-8', offset);
      }
    } else {
      value = bytesToLatin1(raw);
    }
    return { kind: 'str', value, offset };
  }

  private sequence(depth: number, close: number, kind: 'tuple' | 'list'): PyValue {
    const offset = this.pos;
    this.pos++;
    const items: PyValue[] = [];
    let trailingComma = false;
    for (;;) {
      this.skipSpace();
      if (this.peek() === close) {
        this.pos++;
        break;
      }
      if (this.peek() === undefined) this.fail(`header ends inside a ${kind} (truncated header?)`, offset);
      items.push(this.value(depth + 1));
      this.skipSpace();
      trailingComma = false;
      if (this.peek() === 0x2c) {
        this.pos++;
        trailingComma = true;
        continue;
      }
      if (this.peek() === close) continue;
      this.fail(`header has a malformed ${kind}: expected ',' or '${String.fromCharCode(close)}', received ${this.describeHere()}`);
    }
    // In Python "(3)" is the int 3, not a tuple.
    if (kind === 'tuple' && items.length === 1 && !trailingComma) return items[0]!;
    return { kind, items, offset };
  }

  private dict(depth: number): PyValue {
    const offset = this.pos;
    this.pos++;
    const entries: [PyValue, PyValue][] = [];
    for (;;) {
      this.skipSpace();
      if (this.peek() === 0x7d) {
        this.pos++;
        break;
      }
      if (this.peek() === undefined) this.fail('header ends inside the dict (truncated header?)', offset);
      const key = this.value(depth + 1);
      this.skipSpace();
      if (this.peek() !== 0x3a) this.fail(`header dict is malformed: expected ':', received ${this.describeHere()}`);
      this.pos++;
      const value = this.value(depth + 1);
      entries.push([key, value]);
      this.skipSpace();
      if (this.peek() === 0x2c) {
        this.pos++;
        continue;
      }
      if (this.peek() === 0x7d) continue;
      this.fail(`header dict is malformed: expected ',' or '}', received ${this.describeHere()}`);
    }
    return { kind: 'dict', entries, offset };
  }
}

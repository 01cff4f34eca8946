/**
 * A strict JSON parser on bytes, for file headers: exact byte offsets for every value, duplicate
 * keys refused, nesting bounded. Object members keep their order in a Map (no prototype keys).
 * Every problem is a FileFormatError naming the file and the byte offset.
 */
import { FileFormatError } from '../errors';
import { bytesToLatin1, clip } from './bytes';

const MAX_NESTING = 64;

/** A parsed value with the byte offset where it starts in the file. */
export type JsonValue =
  | { readonly kind: 'object'; readonly members: Map<string, JsonMember>; readonly offset: number }
  | { readonly kind: 'array'; readonly items: readonly JsonValue[]; readonly offset: number }
  | { readonly kind: 'string'; readonly value: string; readonly offset: number }
  | { readonly kind: 'number'; readonly value: number; readonly text: string; readonly offset: number }
  | { readonly kind: 'bool'; readonly value: boolean; readonly offset: number }
  | { readonly kind: 'null'; readonly offset: number };

/** An object member: its value and the byte offset of its key. */
export interface JsonMember {
  readonly keyOffset: number;
  readonly value: JsonValue;
}

/** A value as an error message quotes it. */
export function describeJson(v: JsonValue): string {
  switch (v.kind) {
    case 'object':
      return 'an object';
    case 'array':
      return `an array of ${v.items.length}`;
    case 'string':
      return clip(JSON.stringify(v.value));
    case 'number':
      return clip(v.text);
    case 'bool':
      return String(v.value);
    case 'null':
      return 'null';
  }
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/** Parses bytes [start, end) of `bytes`; offsets are absolute in the file. */
export class JsonParser {
  pos: number;
  constructor(
    private readonly bytes: Uint8Array,
    start: number,
    private readonly end: number,
    private readonly file: string,
  ) {
    this.pos = start;
  }

  fail(problem: string, offset = this.pos): never {
    throw new FileFormatError(this.file, problem, offset);
  }

  private peek(): number | undefined {
    return this.pos < this.end ? this.bytes[this.pos] : undefined;
  }

  private here(): string {
    const c = this.peek();
    if (c === undefined) return 'the end of the header';
    return c >= 0x21 && c <= 0x7e ? `'${String.fromCharCode(c)}'` : `byte 0x${c.toString(16).padStart(2, '0')}`;
  }

  skipSpace(): void {
    for (;;) {
      const c = this.peek();
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.pos++;
      else return;
    }
  }

  atEnd(): boolean {
    return this.pos >= this.end;
  }

  value(depth: number): JsonValue {
    if (depth > MAX_NESTING) this.fail(`header JSON nests deeper than ${MAX_NESTING} levels`);
    this.skipSpace();
    const c = this.peek();
    const offset = this.pos;
    if (c === undefined) this.fail('header JSON ends early (truncated header?)');
    if (c === 0x7b) return this.object(depth);
    if (c === 0x5b) return this.array(depth);
    if (c === 0x22) return { kind: 'string', value: this.string(), offset };
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (this.matches(word)) {
        this.pos += word.length;
        return v === null ? { kind: 'null', offset } : { kind: 'bool', value: v, offset };
      }
    }
    return this.fail(`header is not valid JSON: unexpected ${this.here()}`);
  }

  private matches(word: string): boolean {
    if (this.pos + word.length > this.end) return false;
    for (let i = 0; i < word.length; i++) if (this.bytes[this.pos + i] !== word.charCodeAt(i)) return false;
    return true;
  }

  private object(depth: number): JsonValue {
    const offset = this.pos;
    this.pos++;
    const members = new Map<string, JsonMember>();
    this.skipSpace();
    if (this.peek() === 0x7d) {
      this.pos++;
      return { kind: 'object', members, offset };
    }
    for (;;) {
      this.skipSpace();
      if (this.peek() !== 0x22) this.fail(`header is not valid JSON: expected a string key, received ${this.here()}`);
      const keyOffset = this.pos;
      const key = this.string();
      if (members.has(key)) this.fail(`header has the key ${clip(JSON.stringify(key))} twice`, keyOffset);
      this.skipSpace();
      if (this.peek() !== 0x3a) this.fail(`header is not valid JSON: expected ':', received ${this.here()}`);
      this.pos++;
      members.set(key, { keyOffset, value: this.value(depth + 1) });
      this.skipSpace();
      const c = this.peek();
      if (c === 0x2c) {
        this.pos++;
        continue;
      }
      if (c === 0x7d) {
        this.pos++;
        return { kind: 'object', members, offset };
      }
      this.fail(`header is not valid JSON: expected ',' or '}', received ${this.here()}`);
    }
  }

  private array(depth: number): JsonValue {
    const offset = this.pos;
    this.pos++;
    const items: JsonValue[] = [];
    this.skipSpace();
    if (this.peek() === 0x5d) {
      this.pos++;
      return { kind: 'array', items, offset };
    }
    for (;;) {
      items.push(this.value(depth + 1));
      this.skipSpace();
      const c = this.peek();
      if (c === 0x2c) {
        this.pos++;
        continue;
      }
      if (c === 0x5d) {
        this.pos++;
        return { kind: 'array', items, offset };
      }
      this.fail(`header is not valid JSON: expected ',' or ']', received ${this.here()}`);
    }
  }

  private string(): string {
    const offset = this.pos;
    this.pos++;
    let out = '';
    let runStart = this.pos;
    const flush = (): void => {
      if (this.pos > runStart) {
        try {
          out += utf8Decoder.decode(this.bytes.subarray(runStart, this.pos));
        } catch {
          this.fail('header string is not valid UTF-8', runStart);
        }
      }
    };
    for (;;) {
      const c = this.peek();
      if (c === undefined) this.fail('header JSON ends inside a string (truncated header?)', offset);
      if (c === 0x22) {
        flush();
        this.pos++;
        return out;
      }
      if (c < 0x20) this.fail(`header string contains the control byte 0x${c.toString(16).padStart(2, '0')}`);
      if (c !== 0x5c) {
        this.pos++;
        continue;
      }
      flush();
      const escapeAt = this.pos;
      this.pos++;
      const e = this.peek();
      const simple: Record<number, string> = { 0x22: '"', 0x5c: '\\', 0x2f: '/', 0x62: '\b', 0x66: '\f', 0x6e: '\n', 0x72: '\r', 0x74: '\t' };
      if (e !== undefined && simple[e] !== undefined) {
        out += simple[e];
        this.pos++;
      } else if (e === 0x75) {
        this.pos++;
        if (this.pos + 4 > this.end) this.fail('header string has a truncated \\u escape', escapeAt);
        const hex = String.fromCharCode(...this.bytes.subarray(this.pos, this.pos + 4));
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail(`header string has a malformed \\u escape '\\u${hex}'`, escapeAt);
        out += String.fromCharCode(parseInt(hex, 16));
        this.pos += 4;
      } else {
        this.fail(`header string has an invalid escape \\${e === undefined ? '' : String.fromCharCode(e)}`, escapeAt);
      }
      runStart = this.pos;
    }
  }

  private number(): JsonValue {
    const offset = this.pos;
    const digit = (): boolean => {
      const c = this.peek();
      return c !== undefined && c >= 0x30 && c <= 0x39;
    };
    const bad = (): never => this.fail('header has a malformed JSON number', offset);
    if (this.peek() === 0x2d) this.pos++;
    if (this.peek() === 0x30) this.pos++;
    else if (digit()) while (digit()) this.pos++;
    else bad();
    if (this.peek() === 0x2e) {
      this.pos++;
      if (!digit()) bad();
      while (digit()) this.pos++;
    }
    if (this.peek() === 0x65 || this.peek() === 0x45) {
      this.pos++;
      if (this.peek() === 0x2b || this.peek() === 0x2d) this.pos++;
      if (!digit()) bad();
      while (digit()) this.pos++;
    }
    const text = bytesToLatin1(this.bytes.subarray(offset, this.pos));
    return { kind: 'number', value: Number(text), text, offset };
  }
}

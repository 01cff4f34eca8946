/**
 * A small protobuf wire-format reader and writer, just enough for the ONNX messages.
 *
 * Why hand-written instead of protobufjs: every length and varint is checked against the bytes
 * that remain *before* anything is allocated, so a hostile file can never make us allocate more
 * than its own size, recurse without bound, or loop forever; every failure is a FileFormatError
 * with the byte offset. The writer emits fields in a fixed order, so exported bytes are
 * deterministic. And no code generation step is needed.
 */
import { FileFormatError } from '@skipconn/core';

export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_I32 = 5;

/** Nested messages deeper than this are refused (ONNX nests graphs in attributes). */
export const MAX_DEPTH = 32;

export class ProtoReader {
  pos: number;
  private readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    readonly file: string,
    start = 0,
    readonly end = bytes.length,
    readonly depth = 0,
  ) {
    this.pos = start;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (depth > MAX_DEPTH) this.fail(`messages nested deeper than ${MAX_DEPTH} levels`);
  }

  fail(problem: string, offset = this.pos): never {
    throw new FileFormatError(this.file, `invalid ONNX protobuf: ${problem}`, offset);
  }

  done(): boolean {
    return this.pos >= this.end;
  }

  /** Reads a varint as an unsigned 64-bit BigInt (at most 10 bytes). */
  varint64(): bigint {
    const start = this.pos;
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.fail('varint runs past the end of its message (truncated file?)', start);
      const b = this.bytes[this.pos++]!;
      if (i < 4) lo |= (b & 0x7f) << (7 * i);
      else if (i === 4) {
        lo |= (b & 0x0f) << 28;
        hi |= (b & 0x7f) >> 4;
      } else hi |= (b & 0x7f) << (7 * i - 32);
      if ((b & 0x80) === 0) return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
    }
    this.fail('varint longer than 10 bytes', start);
  }

  /** A varint as a non-negative safe integer (lengths, enums, tags). */
  uint(): number {
    const start = this.pos;
    // Fast path: up to 4 bytes, no BigInt.
    let result = 0;
    for (let i = 0; i < 4; i++) {
      if (this.pos >= this.end) this.fail('varint runs past the end of its message (truncated file?)', start);
      const b = this.bytes[this.pos++]!;
      result |= (b & 0x7f) << (7 * i);
      if ((b & 0x80) === 0) return result >>> 0;
    }
    this.pos = start;
    const v = this.varint64();
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`integer ${v} is too large`, start);
    return Number(v);
  }

  /** A varint read as int64 (two's complement) and returned as a Number (may lose precision past 2^53). */
  int64(): number {
    return Number(BigInt.asIntN(64, this.varint64()));
  }

  /** A varint read as int64, exactly. */
  int64Big(): bigint {
    return BigInt.asIntN(64, this.varint64());
  }

  /** A varint read as int32 (negative int32 values are sign-extended to 10 bytes on the wire). */
  int32(): number {
    return Number(BigInt.asIntN(32, this.varint64()));
  }

  float(): number {
    this.need(4);
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  double(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** Length-delimited bytes, a view into the input (no copy). */
  bytesField(): Uint8Array {
    const start = this.pos;
    const len = this.uint();
    if (len > this.end - this.pos) this.fail(`field length ${len} exceeds the ${this.end - this.pos} bytes left (truncated file?)`, start);
    const out = this.bytes.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }

  string(): string {
    const start = this.pos;
    const b = this.bytesField();
    try {
      return UTF8.decode(b);
    } catch {
      this.fail('string is not valid UTF-8', start);
    }
  }

  /** A sub-reader over an embedded message. */
  message(): ProtoReader {
    const start = this.pos;
    const len = this.uint();
    if (len > this.end - this.pos) this.fail(`message length ${len} exceeds the ${this.end - this.pos} bytes left (truncated file?)`, start);
    const sub = new ProtoReader(this.bytes, this.file, this.pos, this.pos + len, this.depth + 1);
    this.pos += len;
    return sub;
  }

  /** Reads a tag; returns [fieldNumber, wireType]. */
  tag(): [number, number] {
    const start = this.pos;
    const t = this.uint();
    const field = Math.floor(t / 8);
    const wire = t & 7;
    if (field === 0) this.fail('field number 0', start);
    if (wire !== WIRE_VARINT && wire !== WIRE_I64 && wire !== WIRE_LEN && wire !== WIRE_I32) {
      this.fail(`unsupported wire type ${wire} for field ${field}`, start);
    }
    return [field, wire];
  }

  /** Skips a field of an unknown number (forward compatibility). */
  skip(wire: number): void {
    switch (wire) {
      case WIRE_VARINT:
        this.varint64();
        return;
      case WIRE_I64:
        this.need(8);
        this.pos += 8;
        return;
      case WIRE_I32:
        this.need(4);
        this.pos += 4;
        return;
      case WIRE_LEN:
        this.bytesField();
        return;
      default:
        this.fail(`unsupported wire type ${wire}`);
    }
  }

  /** Checks that a field has the expected wire type. */
  expect(field: number, wire: number, want: number, name: string): void {
    if (wire !== want) this.fail(`field ${name} (${field}) has wire type ${wire}, expected ${want}`);
  }

  /** Repeated varint field, packed or not; values pushed to `out` via `read`. */
  repeatedVarint<T>(wire: number, out: T[], read: (r: ProtoReader) => T): void {
    if (wire === WIRE_LEN) {
      const sub = this.message();
      while (!sub.done()) out.push(read(sub));
    } else if (wire === WIRE_VARINT) {
      out.push(read(this));
    } else {
      this.fail(`repeated integer field has wire type ${wire}`);
    }
  }

  /** Repeated fixed-width field (float, double), packed or not. */
  repeatedFixed(wire: number, width: 4 | 8, out: number[]): void {
    const scalarWire = width === 4 ? WIRE_I32 : WIRE_I64;
    if (wire === WIRE_LEN) {
      const start = this.pos;
      const b = this.bytesField();
      if (b.length % width !== 0) this.fail(`packed field of ${b.length} bytes is not a multiple of ${width}`, start);
      const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
      for (let i = 0; i < b.length; i += width) out.push(width === 4 ? v.getFloat32(i, true) : v.getFloat64(i, true));
    } else if (wire === scalarWire) {
      out.push(width === 4 ? this.float() : this.double());
    } else {
      this.fail(`repeated ${width === 4 ? 'float' : 'double'} field has wire type ${wire}`);
    }
  }

  private need(n: number): void {
    if (n > this.end - this.pos) this.fail(`needs ${n} bytes, ${this.end - this.pos} left (truncated file?)`);
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });
const UTF8_ENC = new TextEncoder();

/**
 * Protobuf writer. Callers write fields in ascending field-number order, which makes the output
 * canonical and deterministic. Embedded messages are written into a child writer first, so their
 * lengths are known; fine for models of a few hundred MB.
 */
export class ProtoWriter {
  private chunks: Uint8Array[] = [];
  private buf = new Uint8Array(256);
  private len = 0;
  private total = 0;

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    this.flush();
    if (n > this.buf.length) this.buf = new Uint8Array(Math.max(n, this.buf.length * 2));
  }

  private flush(): void {
    if (this.len > 0) {
      this.chunks.push(this.buf.slice(0, this.len));
      this.len = 0;
    }
  }

  private byte(b: number): void {
    this.buf[this.len++] = b;
    this.total++;
  }

  /** Unsigned varint of a safe non-negative integer or BigInt (BigInt: any 64-bit two's complement). */
  varint(value: number | bigint): void {
    this.ensure(10);
    let v = typeof value === 'bigint' ? BigInt.asUintN(64, value) : value >= 0 ? BigInt(value) : BigInt.asUintN(64, BigInt(value));
    do {
      let b = Number(v & 0x7fn);
      v >>= 7n;
      if (v !== 0n) b |= 0x80;
      this.byte(b);
    } while (v !== 0n);
  }

  tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  raw(bytes: Uint8Array): void {
    if (bytes.length > 4096) {
      this.flush();
      this.chunks.push(bytes);
      this.total += bytes.length;
      return;
    }
    this.ensure(bytes.length);
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
    this.total += bytes.length;
  }

  // Field helpers. Proto3: scalars equal to their default are omitted by callers as they choose.
  int(field: number, value: number | bigint): void {
    this.tag(field, WIRE_VARINT);
    this.varint(value);
  }

  float(field: number, value: number): void {
    this.tag(field, WIRE_I32);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.raw(b);
  }

  bytes(field: number, value: Uint8Array): void {
    this.tag(field, WIRE_LEN);
    this.varint(value.length);
    this.raw(value);
  }

  string(field: number, value: string): void {
    this.bytes(field, UTF8_ENC.encode(value));
  }

  message(field: number, write: (w: ProtoWriter) => void): void {
    const child = new ProtoWriter();
    write(child);
    this.bytes(field, child.finish());
  }

  packedInts(field: number, values: readonly (number | bigint)[]): void {
    if (values.length === 0) return;
    const child = new ProtoWriter();
    for (const v of values) child.varint(v);
    this.bytes(field, child.finish());
  }

  packedFloats(field: number, values: readonly number[]): void {
    if (values.length === 0) return;
    const b = new Uint8Array(values.length * 4);
    const view = new DataView(b.buffer);
    values.forEach((v, i) => view.setFloat32(i * 4, v, true));
    this.bytes(field, b);
  }

  finish(): Uint8Array {
    this.flush();
    if (this.chunks.length === 1) return this.chunks[0]!;
    const out = new Uint8Array(this.total);
    let off = 0;
    for (const c of this.chunks) {
      out.set(c, off);
      off += c.length;
    }
    this.chunks = [out];
    return out;
  }
}

/**
 * Safe loading under hostile input: at least 1,000 seeded mutations of real ONNX files
 * (truncations, bit flips, random bytes, overwritten lengths, spliced ranges) go through
 * decode + import. Each must either import or throw a SkipconnError (a typed, user-facing error);
 * any other exception (RangeError, TypeError, out-of-memory) or a hang fails the test.
 */
import * as fs from 'fs';
import * as path from 'path';
import { SkipconnError, seededRandom } from '@skipconn/core';
import { exportOnnx, importOnnx } from '@skipconn/onnx';
import { FIXTURES } from './fixture-files';
import { samples } from './samples';

function corpus(): { name: string; bytes: Uint8Array }[] {
  const files = ['transformer_pre_ln', 'skip_zoo', 'densenet_small'].map((n) => ({ name: n, bytes: new Uint8Array(fs.readFileSync(path.join(FIXTURES, n, 'model.onnx'))) }));
  const s = samples();
  return [...files, ...[s[0]!, s[4]!, s[6]!].map((x) => ({ name: x.name, bytes: exportOnnx(x.built.validated, x.built.weights) }))];
}

type Mutation = (b: Uint8Array, rnd: () => number) => Uint8Array;

const int = (rnd: () => number, n: number) => Math.floor(rnd() * n);

const MUTATIONS: Record<string, Mutation> = {
  truncate: (b, rnd) => b.slice(0, int(rnd, b.length)),
  flipBits: (b, rnd) => {
    const out = b.slice();
    for (let k = 1 + int(rnd, 8); k > 0; k--) out[int(rnd, out.length)]! ^= 1 << int(rnd, 8);
    return out;
  },
  randomBytes: (b, rnd) => {
    const out = b.slice();
    const at = int(rnd, out.length);
    for (let i = at; i < Math.min(out.length, at + 1 + int(rnd, 16)); i++) out[i] = int(rnd, 256);
    return out;
  },
  hugeVarint: (b, rnd) => {
    // A maximal varint (a length or count near 2^63) written over the bytes at a random place.
    const out = b.slice();
    const at = int(rnd, Math.max(1, out.length - 10));
    for (let i = 0; i < 9; i++) out[at + i] = 0xff;
    out[at + 9] = 0x01;
    return out;
  },
  splice: (b, rnd) => {
    const a = int(rnd, b.length);
    const c = int(rnd, b.length);
    const len = int(rnd, 64);
    return new Uint8Array([...b.subarray(0, a), ...b.subarray(c, c + len), ...b.subarray(a)]);
  },
  garbage: (_b, rnd) => Uint8Array.from({ length: int(rnd, 512) }, () => int(rnd, 256)),
};

describe('fuzz: mutated and truncated ONNX files', () => {
  const files = corpus();
  const names = Object.keys(MUTATIONS);
  const CASES = Number(process.env['FUZZ_CASES'] ?? 1200);

  it(`${CASES} mutations give only typed errors, and no hang`, () => {
    const rnd = seededRandom(Number(process.env['FUZZ_SEED'] ?? 20261126));
    const outcomes: Record<string, number> = { imported: 0 };
    let slowest = 0;
    for (let i = 0; i < CASES; i++) {
      const file = files[i % files.length]!;
      const kind = names[int(rnd, names.length)]!;
      const bytes = MUTATIONS[kind]!(file.bytes, rnd);
      const start = Date.now();
      try {
        importOnnx(bytes, { file: `${file.name}#${i}` });
        outcomes['imported']!++;
      } catch (err) {
        if (!(err instanceof SkipconnError)) {
          throw new Error(`case ${i} (${kind} of ${file.name}): untyped ${err instanceof Error ? `${err.name}: ${err.message}\n${err.stack}` : String(err)}`, { cause: err });
        }
        outcomes[err.code] = (outcomes[err.code] ?? 0) + 1;
      }
      slowest = Math.max(slowest, Date.now() - start);
    }
    // Every case finished; none took long enough to suggest a hang.
    if (process.env['FUZZ_VERBOSE']) console.log(JSON.stringify(outcomes), slowest);
    expect(slowest).toBeLessThan(5000);
    expect(outcomes['FILE_FORMAT']).toBeGreaterThan(100);
  });

  it('reports the byte offset of truncation', () => {
    const bytes = files[0]!.bytes;
    const err = (() => {
      try {
        importOnnx(bytes.slice(0, Math.floor(bytes.length / 2)));
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(SkipconnError);
    expect((err as Error).message).toMatch(/at byte \d+: invalid ONNX protobuf: .*(truncated|exceeds)/);
  });

  it('refuses absurd nesting without recursing deeply', () => {
    // 10,000 nested length-delimited field 7 (graph) headers.
    const parts: number[] = [];
    for (let i = 0; i < 10000; i++) parts.push(0x3a, 0x7f);
    expect(() => importOnnx(Uint8Array.from(parts))).toThrow(SkipconnError);
  });
});

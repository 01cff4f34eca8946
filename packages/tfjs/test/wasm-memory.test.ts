/**
 * tfjs:wasm's full memory named: an error raised with the wasm backend's memory within 512 MiB of
 * wasm32's 4 GiB becomes an UNSUPPORTED error with the sizes and tfjs's own message; any other
 * error passes through untouched. The sizes are given here (filling 4 GiB in a test would take
 * the machine's memory); the heap size is read from a real wasm backend.
 */
import { SkipconnError } from '@skipconn/core';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { WASM32_MAX_BYTES, wasmMemoryBytes, wasmMemoryError } from '../src/wasm-memory';

describe('wasmMemoryError', () => {
  it('names the 4 GiB limit when the memory is near it, keeping the runtime error', () => {
    const err = wasmMemoryError('tfjs:wasm', new Error('Aborted(). Build with -sASSERTIONS for more info.'), 4127326208, 1225522649);
    expect(err).toBeInstanceOf(SkipconnError);
    expect((err as SkipconnError).code).toBe('UNSUPPORTED');
    expect((err as Error).message).toBe("tfjs:wasm: wasm memory full (3.84 GiB of wasm32's 4 GiB; weights 1.14 GiB): tfjs: Aborted(). Build with -sASSERTIONS for more info.");
  });

  it('passes other errors through: memory far from the ceiling, unknown, or our own errors', () => {
    const plain = new RangeError('memory access out of bounds');
    expect(wasmMemoryError('tfjs:wasm', plain, 2 ** 31, 100)).toBe(plain);
    expect(wasmMemoryError('tfjs:wasm', plain, undefined, 100)).toBe(plain);
    const ours = new SkipconnError('INPUT_INVALID', 'bad feed');
    expect(wasmMemoryError('tfjs:wasm', ours, WASM32_MAX_BYTES, 100)).toBe(ours);
  });

  it('reads the memory size of a loaded wasm backend, and undefined without one', async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    const bytes = wasmMemoryBytes(tf);
    expect(bytes).toBeGreaterThan(0);
    expect(bytes! % 65536).toBe(0);
    expect(bytes).toBeLessThanOrEqual(WASM32_MAX_BYTES);
    const noWasm = { findBackend: () => undefined } as unknown as typeof tf;
    expect(wasmMemoryBytes(noWasm)).toBeUndefined();
  });
});

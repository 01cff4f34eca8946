/**
 * tfjs:wasm runs in one WebAssembly memory of 32-bit addresses: at most 4 GiB for the weights,
 * their kernel-ready copies and every intermediate. When that memory is full, tfjs's wasm build
 * fails with whatever its C++ or its JS glue hits first ("Aborted()", "memory access out of
 * bounds"), neither of which says why. An error raised while the memory is near its ceiling is
 * therefore reported with the sizes involved, and tfjs's own message kept.
 */
import { SkipconnError } from '@skipconn/core';
import type { Tf } from './tf';

/** wasm32's addressable memory: 65536 pages of 64 KiB. */
export const WASM32_MAX_BYTES = 2 ** 32;

/** Within this much of the ceiling an error is put down to the full memory. */
const NEAR_CEILING_BYTES = 2 ** 29;

/** The byte size of the wasm backend's memory, when the backend is loaded (undefined otherwise). */
export function wasmMemoryBytes(tf: Tf): number | undefined {
  let backend: unknown;
  try {
    backend = tf.findBackend('wasm');
  } catch {
    return undefined;
  }
  const heap = (backend as { wasm?: { HEAPU8?: Uint8Array } } | null | undefined)?.wasm?.HEAPU8;
  return heap?.buffer.byteLength;
}

/**
 * The error to throw for `err` raised by tfjs's wasm backend: an UNSUPPORTED SkipconnError naming
 * the 4 GiB limit when `memoryBytes` is within 512 MiB of it, `err` itself otherwise.
 */
export function wasmMemoryError(adapter: string, err: unknown, memoryBytes: number | undefined, weightBytes: number): unknown {
  if (err instanceof SkipconnError || memoryBytes === undefined || memoryBytes < WASM32_MAX_BYTES - NEAR_CEILING_BYTES) return err;
  const message = err instanceof Error ? err.message : String(err);
  const gib = (n: number): string => `${(n / 2 ** 30).toFixed(2)} GiB`;
  return new SkipconnError(
    'UNSUPPORTED',
    // Short, so that a report that cuts long messages still shows tfjs's own error.
    `${adapter}: wasm memory full (${gib(memoryBytes)} of wasm32's 4 GiB; weights ${gib(weightBytes)}): tfjs: ${message}`,
  );
}

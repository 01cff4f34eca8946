/**
 * WebGPU flag values, from the specification. Dawn in Node exposes GPUBufferUsage and friends on
 * its `globals` object rather than on globalThis, so the engine uses these numbers instead.
 */
export const BufferUsage = {
  MAP_READ: 0x1,
  MAP_WRITE: 0x2,
  COPY_SRC: 0x4,
  COPY_DST: 0x8,
  UNIFORM: 0x40,
  STORAGE: 0x80,
  QUERY_RESOLVE: 0x200,
} as const;

export const MapMode = { READ: 0x1, WRITE: 0x2 } as const;

export const ShaderStage = { COMPUTE: 0x4 } as const;

/** Lets the event loop run: the thread that owns a Dawn device must never block for long. */
export function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));
}

/** Elements per chunk when copying between JS and the GPU (4 MiB: about a millisecond of memcpy). */
export const CHUNK_ELEMENTS = 1 << 20;

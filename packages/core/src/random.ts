/**
 * Seeded, platform-independent random numbers (mulberry32) for examples, conformance inputs and
 * fixtures: the same seed gives the same tensor everywhere, so goldens are reproducible.
 */
import { tensor, type HostTensor } from './tensor';

export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A float32 tensor of uniform values in [low, high). */
export function randomTensor(shape: readonly number[], seed: number, low = -1, high = 1): HostTensor<'float32'> {
  const next = seededRandom(seed);
  let size = 1;
  for (const d of shape) size *= d;
  const data = new Float32Array(size);
  for (let i = 0; i < size; i++) data[i] = low + (high - low) * next();
  return tensor('float32', shape, data);
}

/** The check the file writers make on every tensor they are given, before writing a byte. */
import { SkipconnError } from '../errors';
import { formatShape, isDType, storageMatches, type HostTensor } from '../tensor';

/**
 * Throws SkipconnError('INPUT_INVALID') unless `t` is a well-formed HostTensor: a known dtype,
 * non-negative integer dims, the dtype's typed array, and as many elements as the shape needs.
 * Messages start with `what`; `float16Storage` names the storage a float16 tensor must have.
 */
export function checkTensor(t: HostTensor, what: string, float16Storage = 'matching typed array'): void {
  if (!isDType(t.dtype)) throw new SkipconnError('INPUT_INVALID', `${what}: unknown dtype '${String(t.dtype)}'`);
  if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new SkipconnError('INPUT_INVALID', `${what}: invalid shape ${JSON.stringify(t.shape)}: expected non-negative integers`);
  }
  if (!storageMatches(t.dtype, t.data)) {
    throw new SkipconnError('INPUT_INVALID', `${what}: ${t.dtype} data must be a ${t.dtype === 'float16' ? float16Storage : 'matching typed array'}, received ${Object.prototype.toString.call(t.data)}`);
  }
  let size = 1;
  for (const d of t.shape) size *= d;
  if (t.data.length !== size) {
    throw new SkipconnError('INPUT_INVALID', `${what}: data has ${t.data.length} elements but shape ${formatShape(t.shape)} needs ${size}`);
  }
}

/**
 * Byte helpers shared by the file formats (.npy, safetensors): byte order, Latin-1 text, typed
 * array views over fresh buffers, and the size and bool checks every reader makes.
 */
import { FileFormatError } from '../errors';
import { BYTES_PER_ELEMENT, type DType, type HostTensor, type TypedArray } from '../tensor';

export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Latin-1 / ASCII bytes to a string, in chunks (a spread of a large array would overflow the stack). */
export function bytesToLatin1(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 4096) out += String.fromCharCode(...bytes.subarray(i, i + 4096));
  return out;
}

/** A Latin-1 / ASCII string to bytes (one byte per character). */
export function latin1ToBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/** Shortens text quoted from a file for an error message. */
export function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** Bytes needed for a shape, or undefined when that exceeds Number.MAX_SAFE_INTEGER. */
export function byteSize(shape: readonly number[], itemsize: number): number | undefined {
  if (shape.includes(0)) return 0;
  let n = itemsize;
  for (const d of shape) {
    n *= d;
    if (n > Number.MAX_SAFE_INTEGER) return undefined;
  }
  return n;
}

/** The dtype's typed array over the first `count` elements of `buffer`. */
export function storageFor(dtype: DType, buffer: ArrayBuffer, count: number): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(buffer, 0, count);
    case 'float16':
      return new Uint16Array(buffer, 0, count);
    case 'float64':
      return new Float64Array(buffer, 0, count);
    case 'int32':
      return new Int32Array(buffer, 0, count);
    case 'int64':
      return new BigInt64Array(buffer, 0, count);
    case 'uint8':
    case 'bool':
      return new Uint8Array(buffer, 0, count);
  }
}

/** Reverses the byte order of each `itemsize`-byte element, in place. */
export function swapInPlace(bytes: Uint8Array, itemsize: number): void {
  if (itemsize === 1) return;
  for (let i = 0; i < bytes.length; i += itemsize) {
    for (let a = i, b = i + itemsize - 1; a < b; a++, b--) {
      const t = bytes[a]!;
      bytes[a] = bytes[b]!;
      bytes[b] = t;
    }
  }
}

/** Little-endian bytes of a tensor's elements (bool normalized to 0/1); a view when no copy is needed. */
export function littleEndianBytes(t: HostTensor): Uint8Array {
  const view = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  if (t.dtype === 'bool') return view.map((v) => (v ? 1 : 0));
  if (HOST_LITTLE_ENDIAN) return view;
  const copy = view.slice();
  swapInPlace(copy, BYTES_PER_ELEMENT[t.dtype]);
  return copy;
}

/**
 * Throws FileFormatError unless every bool byte is 0 or 1; `start` is the data's offset in the
 * file and `what` (a tensor's label) prefixes the message when given.
 */
export function checkBoolBytes(data: Uint8Array, file: string, start: number, what?: string): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v > 1) throw new FileFormatError(file, `${what === undefined ? '' : `${what}: `}bool element ${i} is 0x${v.toString(16).padStart(2, '0')}: expected 0 or 1`, start + i);
  }
}

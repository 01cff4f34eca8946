/**
 * Weight quantization as tensorflowjs_converter writes it (`--quantize_uint8`, `--quantize_uint16`,
 * `--quantize_float16`), per weight tensor:
 *
 *   uint8 / uint16, affine: the range [min(w), max(w)] shifted so that 0 is exactly
 *   representable (the converter's "nudged" range): scale =
 *   (max - min) / (2^bits - 1), zero = clamp(round(-min / scale), 0, 2^bits - 1), min' = -zero *
 *   scale, and each value stored as q = round((clamp(w, min', max') - min') / scale). A constant
 *   tensor (max = min) is stored with scale 1 and min = its value, so it comes back exactly.
 *   float16: each value rounded to the nearest half (ties to even).
 *
 * tfjs dequantizes on load as tfjs-core's decodeWeights does: q * scale + min, rounded to float32,
 * and halves widened exactly. `dequantized` is exactly what tfjs will compute, so a check of the
 * exported model can be judged against the numbers it really holds.
 */
import { float16BitsToNumber, float32ToFloat16Bits } from '@skipconn/core';

export const WEIGHT_QUANTIZATIONS = ['uint8', 'uint16', 'float16'] as const;
export type WeightQuantization = (typeof WEIGHT_QUANTIZATIONS)[number];

/** The manifest entry's quantization field. */
export type QuantizationSpec = { readonly dtype: 'uint8' | 'uint16'; readonly scale: number; readonly min: number } | { readonly dtype: 'float16' };

export interface QuantizedWeight {
  /** The stored bytes (little-endian for uint16 and float16). */
  readonly bytes: Uint8Array;
  readonly quantization: QuantizationSpec;
  /** The float32 values tfjs reads back. */
  readonly dequantized: Float32Array;
}

/**
 * The one quantization a manifest's weights were stored with, or undefined when none is, or the
 * quantized weights disagree: what an export of that model keeps by default.
 */
export function manifestQuantization(groups: readonly { readonly weights: readonly { readonly quantization?: { readonly dtype: string } }[] }[] | undefined): WeightQuantization | undefined {
  const kinds = new Set((groups ?? []).flatMap((g) => g.weights.flatMap((w) => (w.quantization === undefined ? [] : [w.quantization.dtype]))));
  const [only] = kinds;
  return kinds.size === 1 && (WEIGHT_QUANTIZATIONS as readonly string[]).includes(only!) ? (only as WeightQuantization) : undefined;
}

export function quantizeWeight(values: Float32Array, kind: WeightQuantization): QuantizedWeight {
  if (kind === 'float16') {
    const bits = new Uint16Array(values.length);
    const dequantized = new Float32Array(values.length);
    for (let i = 0; i < values.length; i++) {
      bits[i] = float32ToFloat16Bits(values[i]!);
      dequantized[i] = float16BitsToNumber(bits[i]!);
    }
    return { bytes: littleEndian16(bits), quantization: { dtype: 'float16' }, dequantized };
  }
  const levels = kind === 'uint8' ? 255 : 65535;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (values.length === 0) lo = hi = 0;
  let scale: number;
  let min: number;
  if (hi === lo) {
    scale = 1;
    min = lo;
  } else {
    scale = (hi - lo) / levels;
    const zero = Math.min(Math.max(Math.round(-lo / scale), 0), levels);
    min = -zero * scale;
  }
  const max = min + levels * scale;
  const q = kind === 'uint8' ? new Uint8Array(values.length) : new Uint16Array(values.length);
  const dequantized = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = Math.min(Math.max(values[i]!, min), max);
    q[i] = Math.min(Math.max(Math.round((v - min) / scale), 0), levels);
    dequantized[i] = q[i]! * scale + min;
  }
  const bytes = q instanceof Uint8Array ? q : littleEndian16(q);
  return { bytes, quantization: { dtype: kind, scale, min }, dequantized };
}

function littleEndian16(values: Uint16Array): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setUint16(2 * i, v, true));
  return out;
}

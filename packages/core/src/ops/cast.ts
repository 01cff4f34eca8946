/**
 * cast: y = x converted to dtype `to`, elementwise; shape and layout are kept. TF's Cast and
 * ONNX's Cast for the dtypes below. This is how an int32 image input (MoveNet's) becomes the
 * float32 the rest of a graph computes with, and how index arithmetic (argMax, floorDiv) becomes
 * float coordinates again. int32 values live between graph inputs, casts, argMax, the int32
 * arithmetic of add, sub, mul and floorDiv, gatherNd's indices, the data-movement ops and graph
 * outputs; every other op takes floating point only.
 *
 * Attributes:
 *   to   'float32' or 'int32' (required)
 * Inputs: float32, float16 or int32.
 *
 * Exact values, per element:
 *   to float32: the nearest float32 (ties to even): float16 and int32 up to 2^24 in magnitude are
 *     exact; NaN, +-Infinity and -0 are kept.
 *   to int32: truncation toward zero (2.7 -> 2, -2.7 -> -2), as TF's Cast and ONNX's Cast do for
 *     values in range. The rest is this IR's choice, since the runtimes disagree there: NaN is 0,
 *     and values beyond the int32 range (+-Infinity included) saturate to -2^31 and 2^31 - 1, as
 *     WGSL's i32() does. tfjs wraps them modulo 2^32 (NaN and +-Infinity to 0) and onnxruntime on
 *     x86-64 gives -2^31 for all of them (cvttss2si), so no adapter is held to them.
 *   to the input's own dtype: the input unchanged.
 */
import { GraphError, type NodeRef } from '../errors';
import type { Attrs, ValueInfo } from '../graph/types';
import type { DType } from '../tensor';
import { rejectUnknownAttrs } from './attrs';
import { defineOp } from './op';

export const CAST = 'cast';

/** The dtypes a cast writes. */
export const CAST_TARGETS = ['float32', 'int32'] as const;
export type CastTarget = (typeof CAST_TARGETS)[number];

/** The dtypes a cast reads. */
export const CAST_SOURCES: readonly DType[] = ['float32', 'float16', 'int32'];

export interface CastAttrs {
  readonly to: CastTarget;
}

export function parseCastAttrs(raw: Attrs, ref: NodeRef): CastAttrs {
  rejectUnknownAttrs(raw, ['to'], ref);
  const to = raw['to'];
  if (typeof to !== 'string' || !(CAST_TARGETS as readonly string[]).includes(to)) {
    throw new GraphError('ATTRIBUTE_INVALID', ref, `attribute 'to' is ${to === undefined ? 'missing' : 'invalid'}`, {
      expected: `one of ${CAST_TARGETS.join(', ')}`,
      received: to === undefined ? 'nothing' : JSON.stringify(to),
    });
  }
  return { to: to as CastTarget };
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** One element cast to `to`, exactly as the header says (the result as a float64 number). */
export function castValue(x: number, to: CastTarget): number {
  if (to === 'float32') return Math.fround(x);
  if (Number.isNaN(x)) return 0;
  const t = Math.trunc(x);
  // +0 rather than -0: an int32 has no negative zero.
  return t < INT32_MIN ? INT32_MIN : t > INT32_MAX ? INT32_MAX : t === 0 ? 0 : t;
}

export const castOp = defineOp<CastAttrs, typeof CAST>({
  type: CAST,
  category: 'elementwise',
  summary: 'y = x as dtype `to` (float32 or int32); to int32 truncates toward zero, NaN is 0 and out-of-range values saturate',
  inputNames: ['x'],
  minInputs: 1,
  maxInputs: 1,
  parseAttrs: parseCastAttrs,
  inferShape(inputs, attrs, ref) {
    const x = inputs[0] as ValueInfo;
    if (!CAST_SOURCES.includes(x.dtype)) {
      throw new GraphError('SHAPE_MISMATCH', ref, 'x has a dtype cast does not read', { expected: CAST_SOURCES.join(', '), received: x.dtype });
    }
    return [{ ...x, dtype: attrs.to, shape: [...x.shape] }];
  },
});
